using Portal.Sip.Transport;

namespace Portal.Sip.Dialplans;

/// <summary>
/// Save-time validation of a <c>Rules</c> dialplan (DESIGN §6): the parse errors, plus the errors in every
/// <c>sys.Dial</c> string, placed at their line and column in the source. Variables in a dial string are only
/// known during a call, so the check stands a plain value in for each and reports only what is wrong with the
/// written parts.
/// </summary>
public static class RulesDialplanValidator
{
    /// <summary>
    /// Every error in <paramref name="source"/>, ordered by line and column; empty when it can be saved. A host
    /// without a dot that is neither <c>local</c>, a hosted domain nor one of <paramref name="providerNames"/> is
    /// reported as an unknown provider: it would otherwise be dialled directly, which is never what was meant.
    /// </summary>
    public static IReadOnlyList<DialplanError> Validate(
        string source, IReadOnlyCollection<string> providerNames, IReadOnlyCollection<string> hostedDomains)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(providerNames);
        ArgumentNullException.ThrowIfNull(hostedDomains);
        ParsedDialplan parsed = RulesDialplanParser.ParseAll(source);
        DialStringContext context = new(providerNames, hostedDomains);
        List<DialplanError> errors = [.. parsed.Errors];
        foreach (DialAction dial in parsed.Actions.OfType<DialAction>())
        {
            CheckDialString(dial.DialStringTemplate, context, errors);
        }

        return [.. errors.Distinct().OrderBy(e => e.Line).ThenBy(e => e.Column)];
    }

    /// <summary>
    /// The legs written in <paramref name="source"/> that <paramref name="policy"/> would refuse, as far as the written
    /// host tells (an IP address, a <c>localhost</c> name, or any direct leg while direct dialling is off); names are
    /// not looked up here, the Test panel does that. The source may still be saved: the policy is the admin's.
    /// </summary>
    public static IReadOnlyList<DialplanWarning> DirectDialWarnings(
        string source, IReadOnlyCollection<string> providerNames, IReadOnlyCollection<string> hostedDomains, DirectDialPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(policy);
        DialStringContext context = new(providerNames, hostedDomains);
        List<DialplanWarning> warnings = [];
        foreach (DialAction dial in RulesDialplanParser.ParseAll(source).Actions.OfType<DialAction>())
        {
            DialplanTemplate template = dial.DialStringTemplate;
            (string text, int[] columns) = template.RenderWithStandIns();
            List<DialHostSpan> hosts = [];
            DialStringParser.Parse(text, context, hosts);
            foreach (DialHostSpan host in hosts)
            {
                bool written = columns.AsSpan(host.Index, host.Length).IndexOf(-1) < 0;
                bool direct = !context.IsLocal(host.Host) && context.FindProvider(host.Host) is null;
                if (written && direct && policy.RefusalForWrittenHost(host.Host) is { } refusal)
                {
                    warnings.Add(new(template.Line, columns[host.Index],
                        $"This service refuses this leg ({refusal}); ask the admin, or dial it through a provider."));
                }
            }
        }

        return [.. warnings.Distinct().OrderBy(w => w.Line).ThenBy(w => w.Column)];
    }

    private static void CheckDialString(DialplanTemplate template, DialStringContext context, List<DialplanError> errors)
    {
        (string text, int[] columns) = template.RenderWithStandIns();
        List<DialHostSpan> hosts = [];
        DialStringParseResult result = DialStringParser.Parse(text, context, hosts);
        foreach (DialStringError error in result.Errors)
        {
            int index = error.Column - 1;
            int column = index < columns.Length ? columns[index] : template.EndColumn;
            if (column > 0)
            {
                errors.Add(new(template.Line, column, error.Message));
            }
        }

        foreach (DialHostSpan host in hosts)
        {
            bool written = columns.AsSpan(host.Index, host.Length).IndexOf(-1) < 0;
            bool looksLikeProvider = !host.Host.Contains('.') && !host.Host.StartsWith('[');
            if (written && looksLikeProvider && !context.IsLocal(host.Host) && context.FindProvider(host.Host) is null)
            {
                errors.Add(new(template.Line, columns[host.Index],
                    $"Unknown provider '{host.Host}': add it on the Providers page or use a full host name."));
            }
        }
    }
}
