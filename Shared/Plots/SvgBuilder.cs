using System.Globalization;
using System.Security;
using System.Text;

namespace SoftQDistributed.Shared.Plots;

/// <summary>
/// Writes SVG 1.1 elements into a string. Every number is formatted with the invariant culture and at
/// most two decimals (a hundredth of a pixel), and every text is XML-escaped, so the output is the same on every machine.
/// </summary>
public sealed class SvgBuilder
{
    public const string FontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif";

    private readonly StringBuilder _svg = new();
    private int _openGroups;

    public SvgBuilder(double width, double height)
    {
        Width = width;
        Height = height;
        _svg.Append($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{F(width)}\" height=\"{F(height)}\" viewBox=\"0 0 {F(width)} {F(height)}\" font-family=\"{FontFamily}\">\n");
        Rect(0, 0, width, height, "#ffffff");
    }

    public double Width { get; }
    public double Height { get; }

    /// <summary>A number as SVG wants it: invariant culture, up to two decimals, no exponent.</summary>
    public static string F(double value) =>
        double.IsFinite(value) ? Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture) : "0";

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null)
    {
        _svg.Append($"<line x1=\"{F(x1)}\" y1=\"{F(y1)}\" x2=\"{F(x2)}\" y2=\"{F(y2)}\" stroke=\"{stroke}\" stroke-width=\"{F(width)}\"");
        if (dash is not null) _svg.Append($" stroke-dasharray=\"{dash}\"");
        _svg.Append("/>\n");
    }

    public void Rect(double x, double y, double width, double height, string fill, string? stroke = null, double strokeWidth = 1, double fillOpacity = 1)
    {
        _svg.Append($"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(width)}\" height=\"{F(height)}\" fill=\"{fill}\"");
        if (stroke is not null) _svg.Append($" stroke=\"{stroke}\" stroke-width=\"{F(strokeWidth)}\"");
        if (fillOpacity < 1) _svg.Append($" fill-opacity=\"{F(fillOpacity)}\"");
        _svg.Append("/>\n");
    }

    public void Circle(double cx, double cy, double radius, string fill, string? stroke = null, double strokeWidth = 1, double opacity = 1)
    {
        _svg.Append($"<circle cx=\"{F(cx)}\" cy=\"{F(cy)}\" r=\"{F(radius)}\" fill=\"{fill}\"");
        if (stroke is not null) _svg.Append($" stroke=\"{stroke}\" stroke-width=\"{F(strokeWidth)}\"");
        if (opacity < 1) _svg.Append($" opacity=\"{F(opacity)}\"");
        _svg.Append("/>\n");
    }

    /// <summary>A polyline through the points (already in pixel coordinates).</summary>
    public void Polyline(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, string stroke, double width = 1.5, double opacity = 1)
    {
        _svg.Append("<polyline points=\"");
        for (int i = 0; i < xs.Length; i++)
        {
            if (i > 0) _svg.Append(' ');
            _svg.Append(F(xs[i])).Append(',').Append(F(ys[i]));
        }
        _svg.Append($"\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{F(width)}\" stroke-linejoin=\"round\" stroke-linecap=\"round\"");
        if (opacity < 1) _svg.Append($" stroke-opacity=\"{F(opacity)}\"");
        _svg.Append("/>\n");
    }

    /// <summary>A closed, filled polygon (for bands under a curve).</summary>
    public void Polygon(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, string fill, double opacity = 1)
    {
        _svg.Append("<polygon points=\"");
        for (int i = 0; i < xs.Length; i++)
        {
            if (i > 0) _svg.Append(' ');
            _svg.Append(F(xs[i])).Append(',').Append(F(ys[i]));
        }
        _svg.Append($"\" fill=\"{fill}\" stroke=\"none\"");
        if (opacity < 1) _svg.Append($" fill-opacity=\"{F(opacity)}\"");
        _svg.Append("/>\n");
    }

    /// <summary>A path with precomputed data (see <see cref="ContourLines"/>).</summary>
    public void Path(string data, string stroke, double width = 1, double opacity = 1, string? dash = null)
    {
        _svg.Append($"<path d=\"{data}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{F(width)}\"");
        if (dash is not null) _svg.Append($" stroke-dasharray=\"{dash}\"");
        if (opacity < 1) _svg.Append($" stroke-opacity=\"{F(opacity)}\"");
        _svg.Append("/>\n");
    }

    public void Text(double x, double y, string text, double size = 12, TextAnchor anchor = TextAnchor.Start,
        bool bold = false, double rotate = 0, string fill = "#222222")
    {
        _svg.Append($"<text x=\"{F(x)}\" y=\"{F(y)}\" font-size=\"{F(size)}\" fill=\"{fill}\"");
        if (anchor != TextAnchor.Start) _svg.Append($" text-anchor=\"{(anchor == TextAnchor.Middle ? "middle" : "end")}\"");
        if (bold) _svg.Append(" font-weight=\"bold\"");
        if (rotate != 0) _svg.Append($" transform=\"rotate({F(rotate)} {F(x)} {F(y)})\"");
        _svg.Append('>').Append(SecurityElement.Escape(text)).Append("</text>\n");
    }

    /// <summary>Declares a rectangular clip path that groups can refer to by <paramref name="id"/>.</summary>
    public void ClipRect(string id, double x, double y, double width, double height) =>
        _svg.Append($"<clipPath id=\"{id}\"><rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(width)}\" height=\"{F(height)}\"/></clipPath>\n");

    /// <summary>Opens a group, optionally clipped and with crisp edges (for colour cells that must not show seams).</summary>
    public void OpenGroup(string? clipId = null, bool crispEdges = false)
    {
        _svg.Append("<g");
        if (clipId is not null) _svg.Append($" clip-path=\"url(#{clipId})\"");
        if (crispEdges) _svg.Append(" shape-rendering=\"crispEdges\"");
        _svg.Append(">\n");
        _openGroups++;
    }

    public void CloseGroup()
    {
        if (_openGroups == 0) throw new InvalidOperationException("no group is open");
        _svg.Append("</g>\n");
        _openGroups--;
    }

    /// <summary>The finished document.</summary>
    public override string ToString()
    {
        if (_openGroups != 0) throw new InvalidOperationException($"{_openGroups} group(s) left open");
        return _svg + "</svg>\n";
    }

    /// <summary>Writes an SVG document as UTF-8 without a byte-order mark, creating the folder if needed.</summary>
    public static void WriteFile(string path, string document)
    {
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, document, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}
