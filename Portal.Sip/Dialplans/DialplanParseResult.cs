using System.Diagnostics.CodeAnalysis;

namespace Portal.Sip.Dialplans;

/// <summary>
/// What <see cref="RulesDialplanParser.Parse"/> made of a source: the dialplan, or every error found in it
/// (never both).
/// </summary>
public sealed record DialplanParseResult
{
    internal DialplanParseResult(RulesDialplan? dialplan, IReadOnlyList<DialplanError> errors)
    {
        Dialplan = dialplan;
        Errors = errors;
    }

    /// <summary>The parsed dialplan; null when the source has errors.</summary>
    public RulesDialplan? Dialplan { get; }

    /// <summary>Every error, ordered by line and column; empty when parsing succeeded.</summary>
    public IReadOnlyList<DialplanError> Errors { get; }

    /// <summary>True when the source parsed without errors.</summary>
    [MemberNotNullWhen(true, nameof(Dialplan))]
    public bool Succeeded => Dialplan is not null;
}
