using System.Globalization;
using System.Text;

namespace SoftQDistributed.Shared.Grpc;

/// <summary>The gRPC-over-HTTP/2 conventions both sides share: header names, grpc-timeout and grpc-message encoding.</summary>
public static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string AuthorizationHeader = "authorization";
    public const string BearerPrefix = "Bearer ";

    /// <summary>Length-prefix: one compressed-flag byte and a big-endian uint32 length.</summary>
    public const int FrameHeaderSize = 5;

    /// <summary>gRPC's default limit on a received message.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>Parses a grpc-timeout value ("100m", "5S", …: at most 8 digits and a unit H M S m u n).</summary>
    public static bool TryParseTimeout(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (string.IsNullOrEmpty(value) || value.Length < 2 || value.Length > 9) return false;
        if (!long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long amount)) return false;
        double ticks = value[^1] switch
        {
            'H' => amount * (double)TimeSpan.TicksPerHour,
            'M' => amount * (double)TimeSpan.TicksPerMinute,
            'S' => amount * (double)TimeSpan.TicksPerSecond,
            'm' => amount * (double)TimeSpan.TicksPerMillisecond,
            'u' => amount * (TimeSpan.TicksPerMillisecond / 1000.0),
            'n' => amount / 100.0,
            _ => double.NaN,
        };
        if (double.IsNaN(ticks)) return false;
        timeout = TimeSpan.FromTicks((long)Math.Min(ticks, TimeSpan.MaxValue.Ticks));
        return true;
    }

    /// <summary>Formats a timeout in the coarsest unit that keeps it within 8 digits.</summary>
    public static string FormatTimeout(TimeSpan timeout)
    {
        long ms = Math.Max(1, (long)Math.Ceiling(timeout.TotalMilliseconds));
        if (ms < 100_000_000) return ms.ToString(CultureInfo.InvariantCulture) + "m";
        long seconds = Math.Min(99_999_999, (long)Math.Ceiling(timeout.TotalSeconds));
        return seconds.ToString(CultureInfo.InvariantCulture) + "S";
    }

    /// <summary>Percent-encodes a grpc-message: printable ASCII except '%' travels as is, the rest as UTF-8 %XX.</summary>
    public static string EncodeMessage(string message)
    {
        var builder = new StringBuilder(message.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(message))
        {
            if (b >= 0x20 && b <= 0x7E && b != (byte)'%') builder.Append((char)b);
            else builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    /// <summary>Decodes a percent-encoded grpc-message; malformed escapes are kept as they are.</summary>
    public static string DecodeMessage(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded) || !encoded.Contains('%')) return encoded ?? "";
        var bytes = new List<byte>(encoded.Length);
        for (int i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == '%' && i + 2 < encoded.Length
                && byte.TryParse(encoded.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b))
            {
                bytes.Add(b);
                i += 2;
            }
            else bytes.AddRange(Encoding.UTF8.GetBytes(encoded[i].ToString()));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>True when an authorization header value is <c>Bearer token</c>; compared in constant time.</summary>
    public static bool CarriesToken(string? authorization, string token)
    {
        if (authorization is null || !authorization.StartsWith(BearerPrefix, StringComparison.Ordinal)) return false;
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(authorization[BearerPrefix.Length..]), Encoding.UTF8.GetBytes(token));
    }
}
