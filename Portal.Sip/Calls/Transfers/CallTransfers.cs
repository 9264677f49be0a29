using System.Collections.Concurrent;
using System.Security.Cryptography;

using Portal.Sip.Dialplans;
using Portal.Sip.Messages;
using Portal.Sip.Calls.Dialling;

namespace Portal.Sip.Calls.Transfers;

/// <summary>
/// Blind transfers (DESIGN §2 steps 4–5, §6 the <c>transfer</c> dialplan): starts them on a call, runs the owner's
/// <c>transfer</c> dialplan with <c>req.URI.User</c> = the destination and From = the party that stays, dials what
/// it says, and keeps every transfer findable by id for a while after its outcome (for
/// <c>/callmanager/transfers/{id}</c>).
/// </summary>
internal sealed class CallTransfers(CallEnvironment environment, DialplanCache dialplans, IProviderDirectory providers, CallDialer dialer)
{
    /// <summary>The dialplan a transfer runs (DESIGN §6).</summary>
    public const string DialplanName = "transfer";

    /// <summary>How long a finished transfer can still be looked up.</summary>
    public static readonly TimeSpan KeepFinished = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, Transfer> _transfers = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts a transfer of <paramref name="call"/> replacing <paramref name="replaced"/> (null: the placed side), or
    /// says why it cannot start. <paramref name="progress"/> hears every change of the transfer (REFER's NOTIFYs).
    /// </summary>
    public async Task<TransferStartResult> StartAsync(Call call, CallLeg? replaced, string destination, string requestedBy,
        Action<TransferSnapshot>? progress, long requestedTimestamp, CancellationToken cancellationToken)
    {
        using IDisposable? scope = CallLogScope.Begin(environment.Logger, call.Number);
        if (!TransferDestination.IsValid(destination))
        {
            return TransferStartResult.Refused(TransferStartOutcome.InvalidDestination, TransferDestination.Rule);
        }

        // The provider names (for routing the dial strings) are read while the dialplan is: two round trips at once.
        Task<IReadOnlyList<string>> providerNames = Task.Run(() => providers.ListNamesAsync(call.Route.OwnerId, CancellationToken.None).AsTask(),
            CancellationToken.None);
        (RulesDialplan? dialplan, string? problem, bool missing) = await dialplans.GetAsync(call.Route.OwnerId, DialplanName, cancellationToken);
        if (dialplan is null)
        {
            Observe(providerNames);
            return TransferStartResult.Refused(TransferStartOutcome.NoTransferDialplan, missing
                ? $"there is no dialplan named '{DialplanName}'; create one to say where transfers go"
                : $"the '{DialplanName}' dialplan cannot be used: {problem}");
        }

        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        Transfer? transfer = call.BeginTransfer(
            (replacedLeg, remaining) => new Transfer(call, environment, id, replacedLeg, remaining, destination, requestedBy, progress, requestedTimestamp),
            replaced, out TransferStartOutcome refusal);
        if (transfer is null)
        {
            Observe(providerNames);
            return TransferStartResult.Refused(refusal, refusal switch
            {
                TransferStartOutcome.AlreadyTransferring => "another transfer of this call is still in progress",
                TransferStartOutcome.TooManyTransfers =>
                    $"this call has had {environment.Limits.MaxTransfersPerCall} {(environment.Limits.MaxTransfersPerCall == 1 ? "transfer" : "transfers")}, the most one call may have",
                _ => "the call is not answered",
            });
        }

        _transfers[id] = transfer;
        _ = transfer.Completion.ContinueWith(
            static (_, state) =>
            {
                var (transfers, finished) = ((CallTransfers, Transfer))state!;
                transfers.ForgetLater(finished);
            },
            (this, transfer), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        CallLog.TransferStarted(environment.Logger, call.Number, id, destination, requestedBy, transfer.ReplacedLeg.CallId);
        call.Trace?.Note(environment.Time.GetUtcNow(), $"Transfer to {destination} asked by {requestedBy}; leaving: {transfer.ReplacedLeg.CallId}");
        _ = RunAsync(transfer, dialplan, providerNames);
        return new TransferStartResult(TransferStartOutcome.Started, transfer.Snapshot(), null);
    }

    public TransferSnapshot? Find(string id) => _transfers.TryGetValue(id, out Transfer? transfer) ? transfer.Snapshot() : null;

    /// <summary>The transfer once it has its outcome, or as it is when <paramref name="timeout"/> passes first; null when unknown.</summary>
    public async Task<TransferSnapshot?> WaitAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_transfers.TryGetValue(id, out Transfer? transfer))
        {
            return null;
        }

        try
        {
            return await transfer.Completion.WaitAsync(timeout, environment.Time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return transfer.Snapshot();
        }
    }

    private async Task RunAsync(Transfer transfer, RulesDialplan dialplan, Task<IReadOnlyList<string>> providerNamesRead)
    {
        Call call = transfer.Call;
        try
        {
            IReadOnlyList<string> providerNames = await providerNamesRead;
            CallLeg remaining = transfer.RemainingLeg;
            string fromUser = (remaining is CallerLeg ? remaining.FromUser : remaining.ToUser) ?? "";
            string host = environment.HostedDomains.Count > 0 ? environment.HostedDomains[0] : "localhost";
            DialplanContext context = new(transfer.Destination, host, fromUser, remaining.CallId, call.Route.OwnerUserName, call.Number,
                new DialStringContext(providerNames, environment.HostedDomains));
            DialplanEvaluation evaluation = await DialplanRun.EvaluateAsync(call.Route.OwnerId, dialplan, context, environment);
            switch (evaluation.Outcome)
            {
                case DialplanEvaluationOutcome.OverBudget:
                    transfer.Failed(SipStatusCodes.ServerInternalError, $"the '{DialplanName}' dialplan ran too long");
                    return;
                case DialplanEvaluationOutcome.Busy:
                    transfer.Failed(SipStatusCodes.BusyHere, "too many dialplans running");
                    return;
            }

            await RunStepsAsync(transfer, evaluation.Plan!.Steps);
        }
        catch (OperationCanceledException) when (transfer.Cancelled.IsCancellationRequested)
        {
            transfer.Failed(SipStatusCodes.RequestTerminated, transfer.CancelReason ?? "the call ended");
        }
        catch (Exception e)
        {
            CallLog.StepFailed(environment.Logger, e, call.Number, "transferring the call");
            transfer.Failed(SipStatusCodes.ServerInternalError, "internal error");
        }
    }

    /// <summary>The plan's steps, as for a call (DESIGN §6): a Respond fails the transfer with its status; an answer completes it.</summary>
    private async Task RunStepsAsync(Transfer transfer, IReadOnlyList<DialplanStep> steps)
    {
        DialResult result = await DialplanRun.RunStepsAsync(transfer, steps, dialer, environment, transfer.Cancelled);
        if (result.IsAnswered)
        {
            return;
        }

        if (result.IsCancelled || transfer.Cancelled.IsCancellationRequested)
        {
            transfer.Failed(SipStatusCodes.RequestTerminated, transfer.CancelReason ?? "the call ended");
            return;
        }

        transfer.Failed(result.Status, $"{result.Status} {result.Reason}");
    }

    /// <summary>A read whose result is not needed after all: its failure, if any, is observed and dropped.</summary>
    private static void Observe(Task read) =>
        _ = read.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private void ForgetLater(Transfer transfer)
    {
        ITimer? timer = null;
        timer = environment.Time.CreateTimer(_ =>
        {
            _transfers.TryRemove(new KeyValuePair<string, Transfer>(transfer.Id, transfer));
            timer?.Dispose();
        }, null, KeepFinished, Timeout.InfiniteTimeSpan);
    }
}
