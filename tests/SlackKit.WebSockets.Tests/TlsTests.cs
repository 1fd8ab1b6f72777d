using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>wss://: the control frames are seen and sent on the stream after TLS, not on the encrypted bytes.</summary>
public partial class TlsTests
{
    [Fact]
    public async Task Over_wss_messages_round_trip_and_a_server_ping_reaches_OnPing()
    {
        using X509Certificate2 certificate = SelfSigned();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        await using WebApplication app = builder.Build();
        app.UseWebSockets();
        app.Map("/ws", async (HttpContext context) =>
        {
            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
            Message message = await socket.ReceiveMessageAsync();
            await socket.SendAsync(message.Data, message.Type, true, CancellationToken.None);
            await socket.ReceiveMessageAsync();
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(address.Replace("https://", "wss://", StringComparison.Ordinal) + "/ws");
        var recorder = new Recorder();
        var options = new WebSocketClientOptions
        {
            // Trust exactly this certificate, nothing else.
            ConfigureHandler = handler => handler.SslOptions.RemoteCertificateValidationCallback =
                (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString(),
            KeepAlive = TimeSpan.FromMilliseconds(100),
        };
        var handler = new PongCounter(recorder);

        await using WebSocketClient client = WebSocketClient.Start(url, handler, options);
        await recorder.WaitForAsync("connect");
        client.Cast(WebSocketFrame.Text("over tls"));

        await recorder.WaitForAsync("text:over tls");
        // Keepalive pings written on the stream under TLS were answered by Kestrel; the pongs were read there too.
        await recorder.WaitForAsync("pong");
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    [WebSocketHandler]
    private sealed partial class PongCounter(Recorder recorder)
    {
        private bool _ponged;

        [OnConnect] void Connected() => recorder.Add("connect");

        [OnText] void Text(string text) => recorder.Add("text:" + text);

        [OnPong]
        void Pong()
        {
            if (!_ponged)
            {
                _ponged = true;
                recorder.Add("pong");
            }
        }

        [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Close("test over");
    }
}
