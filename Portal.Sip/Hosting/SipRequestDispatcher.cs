using System.Net;
using Microsoft.Extensions.Logging;
using Portal.Sip.Auth;
using Portal.Sip.Calls;
using Portal.Sip.Limits;
using Portal.Sip.Messages;
using Portal.Sip.Registrar;
using Portal.Sip.Telemetry;
using Portal.Sip.Transactions;
using Portal.Sip.Transport;

namespace Portal.Sip.Hosting;

/// <summary>
/// The service's transaction user: applies the UAS checks of RFC 3261 §8.2 in order (method, URI scheme,
/// required extensions), then hands each request to the part of the service that owns its method: REGISTER to
/// the registrar, INVITE and requests inside a dialog (a To tag, §12.2.2) to the call manager, OPTIONS answered
/// here. ACKs for 2xx and stray 2xx responses go to the call manager too.
/// </summary>
public sealed partial class SipRequestDispatcher(
    DigestAuthenticator authenticator,
    SipRegistrar registrar,
    SipLocalDomains domains,
    CallManager calls,
    ILogger<SipRequestDispatcher> logger,
    OverloadGuard? overload = null,
    SipMetrics? metrics = null) : ISipRequestHandler
{
    /// <summary>Methods this service answers; CANCEL is answered by the transaction layer.</summary>
    public static readonly IReadOnlyList<string> AllowedMethods = ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "UPDATE", "INFO", "REFER"];

    /// <summary>Methods that only make sense inside a call's dialog (or create one).</summary>
    private static readonly HashSet<string> CallMethods = ["INVITE", "BYE", "UPDATE", "INFO", "REFER"];

    private static readonly HashSet<string> KnownMethods =
        ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE"];

    public async ValueTask OnRequestAsync(ServerTransaction transaction)
    {
        SipResponse response;
        try
        {
            var request = transaction.Request;
            if (Precheck(request) is { } refused)
            {
                response = refused;
            }
            else if (CallMethods.Contains(request.Method.Name) && request.To?.Tag is not null)
            {
                await calls.OnInDialogRequestAsync(transaction);
                return;
            }
            else if (transaction is InviteServerTransaction invite)
            {
                await calls.OnInviteAsync(invite);
                return;
            }
            else
            {
                // Off the receive path first: REGISTER reads and writes the database, and SQLite's "async" calls block.
                await Task.Yield();
                response = await HandleAsync(request, transaction.Remote, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRequestFailed(logger, ex, transaction.Request.Method.Name, transaction.Remote.ToString());
            response = transaction.Request.CreateResponse(SipStatusCodes.ServerInternalError, "Server Internal Error", SipTags.NewTag());
        }

        await transaction.SendResponseAsync(response);
    }

    public ValueTask OnAckAsync(SipRequest ack, SipEndPoint remote) => calls.OnAckAsync(ack);

    public ValueTask OnStrayResponseAsync(SipResponse response, SipEndPoint remote) => calls.OnStrayResponseAsync(response);

    /// <summary>
    /// Sheds a new call while the service is overloaded (DESIGN §10): 503 with Retry-After, sent by the transaction
    /// layer statelessly, before any transaction, account, database or dialplan work.
    /// </summary>
    public SipResponse? RefuseStatelessly(SipRequest invite) =>
        overload?.AdmitNewCall() == false ? Overloaded(invite, overload.RetryAfterSeconds) : null;

    /// <summary>
    /// The 503 of a shed call. Its To tag is derived from the request's branch and Call-ID, so a retransmission,
    /// refused again with no state kept, gets the same answer.
    /// </summary>
    private static SipResponse Overloaded(SipRequest request, int retryAfterSeconds)
    {
        var seed = System.Text.Encoding.UTF8.GetBytes($"{request.TopVia?.Branch}\n{request.CallId}");
        var tag = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(seed).AsSpan(0, 8));
        var response = request.CreateResponse(SipStatusCodes.ServiceUnavailable, "Service Unavailable - overloaded, try again later", tag);
        response.Headers.Add(SipHeaderNames.RetryAfter, retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return response;
    }

    /// <summary>The checks of §8.2.1–§8.2.2 every request passes first; null when it may go on.</summary>
    internal static SipResponse? Precheck(SipRequest request)
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

        return null;
    }

    /// <summary>A request outside any dialog that is not an INVITE, after <see cref="Precheck"/>.</summary>
    internal async Task<SipResponse> HandleAsync(SipRequest request, SipEndPoint remote, CancellationToken cancellationToken) =>
        request.Method.Name switch
        {
            "OPTIONS" => Options(request),
            "REGISTER" => await RegisterAsync(request, remote, cancellationToken),

            // BYE, UPDATE and INFO without a To tag belong to no dialog (§12.2.2).
            "BYE" or "UPDATE" or "INFO" => request.CreateResponse(SipStatusCodes.CallOrTransactionDoesNotExist, null, SipTags.NewTag()),
            _ => request.CreateResponse(SipStatusCodes.MethodNotAllowed, "Method Not Allowed", SipTags.NewTag()),
        };

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
        if (!auth.IsAuthenticated)
        {
            return auth.Response!;
        }

        var response = await registrar.RegisterAsync(request, auth.Account!, remote, cancellationToken);
        (metrics ?? SipMetrics.Unobserved).Registration(response.IsSuccess ? "accepted" : "refused");
        return response;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling {Method} from {Remote} failed")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, string method, string remote);
}
