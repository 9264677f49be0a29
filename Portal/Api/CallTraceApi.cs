using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Services;
using Portal.Sip.Tracing;

namespace Portal.Api;

/// <summary>A call's SIP messages as a pcap file (Wireshark, tshark, sngrep), for its owner or an admin.</summary>
public static class CallTraceApi
{
    public static RouteGroupBuilder MapCallTraceApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/calls").RequireAuthorization();
        group.MapGet("/{id}.pcap", ExportPcap);
        return group;
    }

    /// <summary>404 alike for someone else's call, an unknown one and one whose messages are no longer kept.</summary>
    public static Results<FileContentHttpResult, NotFound, UnauthorizedHttpResult> ExportPcap(HttpContext context, CallTraceService traces, string id)
    {
        if (PortalCaller.FromPrincipal(context.User) is not { } caller)
        {
            return TypedResults.Unauthorized();
        }

        return traces.ExportPcap(caller, id) is { } pcap
            ? TypedResults.File(pcap, SipPcap.ContentType, $"call-{id}.pcap")
            : TypedResults.NotFound();
    }
}
