using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SoftQDistributed.Shared.Hosting;

/// <summary>The listeners the roles open: gRPC (the shards' edge: h2c, or TLS with a certificate) and HTTP/1.1 for probes, scrapes and status.</summary>
public static class KestrelListeners
{
    /// <summary>gRPC on <paramref name="port"/>: TLS when a PKCS#12 certificate is given, else h2c with prior knowledge.</summary>
    public static void ListenGrpc(this KestrelServerOptions kestrel, string host, int port, string? tlsCertificate, string? tlsCertificatePassword)
    {
        kestrel.Listen(IPAddress.Parse(host), port, listen =>
        {
            if (tlsCertificate is not null)
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2; // ALPN picks HTTP/2 for gRPC
                listen.UseHttps(X509CertificateLoader.LoadPkcs12FromFile(tlsCertificate, tlsCertificatePassword));
            }
            else
            {
                listen.Protocols = HttpProtocols.Http2; // h2c with prior knowledge, as gRPC clients speak it
            }
        });
    }

    /// <summary>HTTP/1.1 on <paramref name="port"/>, the protocol probes and scrapers speak.</summary>
    public static void ListenHttp(this KestrelServerOptions kestrel, string host, int port) =>
        kestrel.Listen(IPAddress.Parse(host), port, listen => listen.Protocols = HttpProtocols.Http1);

    /// <summary>
    /// The addresses a started server listens on, space-separated in listen order (gRPC first): every role prints them
    /// in its one "… listening on …" line, which launchers and tests read to find ports chosen by the OS.
    /// </summary>
    public static string ListeningAddresses(this WebApplication app) =>
        string.Join(" ", app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
}
