using System.Net;
using Microsoft.Extensions.Logging;
using Portal.Sip.Auth;
using Portal.Sip.Messages;
using Portal.Sip.Registrar;
using Portal.Sip.Transactions;
using Portal.Sip.Transport;

namespace Portal.Sip.Hosting;

/// <summary>
/// The service's transaction user: applies the UAS checks of RFC 3261 §8.2 in order (method, URI scheme,
/// required extensions), then hands each request to the part of the service that owns its method.
/// </summary>
public sealed partial class SipRequestDispatcher(
    DigestAuthenticator authenticator,
    SipRegistrar registrar,
    SipLocalDomains domains,
    ILogger<SipRequestDispatcher> logger) : ISipRequestHandler
{
    /// <summary>Methods this service answers today; ACK and CANCEL are handled by the transaction layer.</summary>
    public static readonly IReadOnlyList<string> AllowedMethods = ["REGISTER", "OPTIONS", "ACK", "CANCEL"];

    private static readonly HashSet<string> KnownMethods =
        ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE"];

    public async ValueTask OnRequestAsync(ServerTransaction transaction)
    {
        SipResponse response;
        try
        {
            response = await HandleAsync(transaction.Request, transaction.Remote, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRequestFailed(logger, ex, transaction.Request.Method.Name, transaction.Remote.ToString());
            response = transaction.Request.CreateResponse(SipStatusCodes.ServerInternalError, "Server Internal Error", SipTags.NewTag());
        }

        await transaction.SendResponseAsync(response);
    }

    public ValueTask OnAckAsync(SipRequest ack, SipEndPoint remote) => ValueTask.CompletedTask;

    public ValueTask OnStrayResponseAsync(SipResponse response, SipEndPoint remote) => ValueTask.CompletedTask;

    internal async Task<SipResponse> HandleAsync(SipRequest request, SipEndPoint remote, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } invalid)
        {
            return request.CreateResponse(invalid.StatusCode, invalid.ReasonPhrase, SipTags.NewTag());
        }

        var method = request.Method.Name;
        if (!KnownMethods.Contains(method))
        {
            return request.CreateResponse(SipStatusCodes.NotImplemented, "Not Implemented", SipTags.NewTag());
        }

        if (request.Uri is not SipUri)
        {
            return request.CreateResponse(SipStatusCodes.UnsupportedUriScheme, "Unsupported URI Scheme", SipTags.NewTag());
        }

        if (!AllowedMethods.Contains(method))
        {
            var notAllowed = request.CreateResponse(SipStatusCodes.MethodNotAllowed, "Method Not Allowed", SipTags.NewTag());
            notAllowed.Headers.Add(SipHeaderNames.Allow, string.Join(", ", AllowedMethods));
            return notAllowed;
        }

        if (request.Require.Count > 0)
        {
            // §8.2.2.3: this service supports no extension a request may require.
            var badExtension = request.CreateResponse(SipStatusCodes.BadExtension, "Bad Extension", SipTags.NewTag());
            badExtension.Headers.Add(SipHeaderNames.Unsupported, string.Join(", ", request.Require));
            return badExtension;
        }

        return method switch
        {
            "OPTIONS" => Options(request),
            "REGISTER" => await RegisterAsync(request, remote, cancellationToken),
            _ => request.CreateResponse(SipStatusCodes.MethodNotAllowed, "Method Not Allowed", SipTags.NewTag()),
        };
    }

    private static SipResponse Options(SipRequest request)
    {
        var ok = request.CreateResponse(SipStatusCodes.Ok, "OK", SipTags.NewTag());
        ok.Headers.Add(SipHeaderNames.Allow, string.Join(", ", AllowedMethods));
        ok.Headers.Add(SipHeaderNames.Accept, "application/sdp");
        ok.Headers.Add(SipHeaderNames.AcceptLanguage, "en");
        return ok;
    }

    private async Task<SipResponse> RegisterAsync(SipRequest request, SipEndPoint remote, CancellationToken cancellationToken)
    {
        var uri = (SipUri)request.Uri;
        if (!domains.IsLocal(uri.Host))
        {
            return request.CreateResponse(SipStatusCodes.NotFound, "Not Found - domain not served here", SipTags.NewTag());
        }

        if (request.To?.Uri is not SipUri)
        {
            return request.CreateResponse(SipStatusCodes.UnsupportedUriScheme, "Unsupported URI Scheme - To must be a SIP URI", SipTags.NewTag());
        }

        var auth = await authenticator.AuthenticateAsync(request, remote.EndPoint.Address, proxy: false, cancellationToken);
        return auth.IsAuthenticated
            ? await registrar.RegisterAsync(request, auth.Account!, remote, cancellationToken)
            : auth.Response!;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling {Method} from {Remote} failed")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, string method, string remote);
}
