using Portal.Sip.Dialplans;

namespace Portal.Services;

/// <summary>What checking a dialplan's source found: errors stop a save; warnings (e.g. legs the direct-dialling policy refuses) do not.</summary>
public sealed record DialplanCheck(IReadOnlyList<DialplanError> Errors, IReadOnlyList<DialplanWarning> Warnings);
