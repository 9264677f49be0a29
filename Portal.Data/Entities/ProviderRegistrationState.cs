namespace Portal.Data.Entities;

public enum ProviderRegistrationState
{
    NotRegistering,
    Registering,
    Registered,
    Failed,
}
