using Microsoft.Extensions.Options;
using Portal.Sip.Hosting;

namespace Portal.SipIntegration;

/// <summary>Checks the <c>Sip</c> settings that can be written wrong at start-up, so a mistake stops the start with what to fix.</summary>
public sealed class SipOptionsValidation : IValidateOptions<SipOptions>
{
    public ValidateOptionsResult Validate(string? name, SipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            options.CreateDirectDialPolicy();
            return ValidateOptionsResult.Success;
        }
        catch (FormatException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
