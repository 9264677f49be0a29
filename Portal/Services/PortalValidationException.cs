namespace Portal.Services;

/// <summary>
/// Input a user can fix: <see cref="Field"/> names the input (or is empty for the whole form) and the message
/// says what to do. Nothing was changed when this is thrown.
/// </summary>
public sealed class PortalValidationException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
