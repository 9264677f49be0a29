using Portal.Sip.Dialplans;

namespace Portal.Services;

/// <summary>The dialplan source has errors; each names its line and column. Nothing was saved.</summary>
public sealed class DialplanInvalidException(IReadOnlyList<DialplanError> errors)
    : Exception($"The dialplan has {errors.Count} error(s); the first is at line {errors[0].Line}, column {errors[0].Column}: {errors[0].Message}")
{
    public IReadOnlyList<DialplanError> Errors { get; } = errors;
}
