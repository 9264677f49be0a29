using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Portal.Cluster;

/// <summary>Stops the start on a node name or Redis setting that cannot work, naming the key.</summary>
public sealed partial class ClusterOptionsValidation : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        if (!NodeIdRegex().IsMatch(options.NodeId ?? ""))
        {
            return ValidateOptionsResult.Fail(
                $"Cluster:NodeId '{options.NodeId}' must be 1 to {ClusterOptions.MaxNodeIdLength} letters, digits, '.', '_' or '-'.");
        }

        if (options.CallRequestTimeoutSeconds is < 1 or > 60)
        {
            return ValidateOptionsResult.Fail($"Cluster:CallRequestTimeoutSeconds must be 1 to 60, not {options.CallRequestTimeoutSeconds}.");
        }

        if (options.HasRedis)
        {
            try
            {
                ConfigurationOptions.Parse(options.Redis!);
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail($"Cluster:Redis is not a Redis configuration string ({ex.Message}); e.g. redis:6379,password=….");
            }
        }

        return ValidateOptionsResult.Success;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NodeIdRegex();
}
