namespace SoftQDistributed.Shared.Plots;

/// <summary>Which point of a text its x coordinate names.</summary>
public enum TextAnchor
{
    Start,
    Middle,
    End,
}
