using System.Globalization;

namespace Portal.Sip.Dialplans;

/// <summary>The values a rule's strings interpolate for one call: the context and the matched regex's groups.</summary>
internal sealed class DialplanValues(DialplanContext context, IReadOnlyList<string> groups)
{
    public DialplanContext Context => context;

    public string Resolve(TemplatePart part) => part.Kind switch
    {
        TemplatePartKind.Literal => part.Text,
        TemplatePartKind.DialledUser => context.DialledUser,
        TemplatePartKind.DialledHost => context.DialledHost,
        TemplatePartKind.FromUser => context.FromUser,
        TemplatePartKind.CallId => context.CallId,
        TemplatePartKind.OwnerUserName => context.OwnerUserName,
        TemplatePartKind.CallNumber => context.CallNumber.ToString(CultureInfo.InvariantCulture),
        TemplatePartKind.Group => part.Group < groups.Count ? groups[part.Group] : "",
        _ => throw new ArgumentOutOfRangeException(nameof(part), part.Kind, null),
    };
}
