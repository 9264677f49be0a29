using System.Net;

using Portal.Sip.Limits;

namespace Portal.Sip.Calls.Admission;

/// <summary>
/// Refusals that concern a user's calls (DESIGN §10): logged once per source address, kind and minute in one form
/// fail2ban can match (<c>SIP refused from &lt;address&gt;: …</c>), and audited through the record sink once per
/// subject (an owner's limit, a call's REFER refusal) and ten minutes, so a flood costs a line and a row.
/// </summary>
internal sealed class CallRefusals(CallEnvironment environment)
{
    private static readonly TimeSpan LogWindow = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan AuditWindow = TimeSpan.FromMinutes(10);

    private readonly OncePerWindow<string> _logged = new(environment.Time, LogWindow);
    private readonly OncePerWindow<string> _audited = new(environment.Time, AuditWindow);

    /// <summary>Logs and audits <paramref name="refusal"/> unless this source or subject was reported in its window.</summary>
    public void Report(CallRefusal refusal, IPAddress? source, string subject)
    {
        string address = source is { IsIPv4MappedToIPv6: true } ? source.MapToIPv4().ToString() : source?.ToString() ?? "unknown";
        if (_logged.ShouldReport(address + " " + refusal.Action))
        {
            CallLog.Refused(environment.Logger, address, refusal.Action, refusal.OwnerUserName, refusal.Detail);
        }

        if (_audited.ShouldReport(refusal.Action + " " + subject))
        {
            _ = AuditAsync(refusal with { Source = address });
        }
    }

    private async Task AuditAsync(CallRefusal refusal)
    {
        // Never on the SIP receive path: the audit write goes to the database.
        await Task.Yield();
        try
        {
            await environment.Records.CallRefusedAsync(refusal);
        }
        catch (Exception e)
        {
            CallLog.RefusalAuditFailed(environment.Logger, e, refusal.Action, refusal.OwnerUserName);
        }
    }
}
