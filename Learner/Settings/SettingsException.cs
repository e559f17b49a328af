namespace SoftQDistributed.Learner.Settings;

/// <summary>A setting that is unknown, malformed or out of range; its message is shown to the user as is.</summary>
public sealed class SettingsException(string message) : Exception(message);
