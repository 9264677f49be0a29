namespace Portal.Sip.Calls.Transfers;

/// <summary>The answer to a transfer request: the transfer when it started, else why not.</summary>
/// <param name="Outcome">Started, or the reason it did not.</param>
/// <param name="Transfer">The transfer as it started; null unless <see cref="TransferStartOutcome.Started"/>.</param>
/// <param name="Problem">For people: why the transfer did not start.</param>
public sealed record TransferStartResult(TransferStartOutcome Outcome, TransferSnapshot? Transfer, string? Problem)
{
    public static TransferStartResult Refused(TransferStartOutcome outcome, string problem) => new(outcome, null, problem);
}
