namespace Portal.Sip.Dialplans;

/// <summary>
/// One action of a <see cref="DialplanPlan"/>, with every string already interpolated:
/// <see cref="DialStep"/>, <see cref="RespondStep"/> or <see cref="LogStep"/>.
/// </summary>
public abstract record DialplanStep
{
    private protected DialplanStep()
    {
    }
}
