using System.Diagnostics.CodeAnalysis;

namespace Portal.Sip.Dialplans;

/// <summary>What <see cref="DialString.Parse"/> made of a text: the dial string, or every error found in it.</summary>
public sealed record DialStringParseResult
{
    internal DialStringParseResult(DialString? value, IReadOnlyList<DialStringError> errors)
    {
        Value = value;
        Errors = errors;
    }

    /// <summary>The parsed dial string; null when the text has errors.</summary>
    public DialString? Value { get; }

    /// <summary>Every error, ordered by column; empty when parsing succeeded.</summary>
    public IReadOnlyList<DialStringError> Errors { get; }

    /// <summary>True when the text parsed without errors.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    public bool Succeeded => Value is not null;
}
