using Portal.Sip.Messages;
using Portal.Sip.Transactions;

using static Portal.Tests.Sip.Transactions.TransactionTestMessages;

namespace Portal.Tests.Sip.Transactions;

public sealed class TransactionKeyTests
{
    [Fact]
    public void ForRequest_AckOfNonSuccessFinal_EqualsTheInvitesKey()
    {
        SipRequest invite = Request("INVITE");
        SipRequest ack = AckFor(invite, invite.CreateResponse(486, null, "t1"));

        Assert.Equal(TransactionKey.ForRequest(invite), TransactionKey.ForRequest(ack));
    }

    [Fact]
    public void ForRequest_CancelOfInvite_IsItsOwnTransaction()
    {
        SipRequest invite = Request("INVITE");
        SipRequest cancel = Reparse(invite.CreateCancel());

        Assert.NotEqual(TransactionKey.ForRequest(invite), TransactionKey.ForRequest(cancel));
        Assert.Equal(TransactionKey.ForRequest(invite), TransactionKey.ForCancelled(cancel, SipMethod.Invite));
    }

    [Fact]
    public void ForResponse_ResponseToRequest_EqualsTheClientTransactionsKey()
    {
        SipRequest options = Request("OPTIONS", branch: SipTransactionLayer.NewBranch());

        Assert.Equal(TransactionKey.ForClientRequest(options), TransactionKey.ForResponse(ResponseTo(options, 200)));
    }

    [Fact]
    public void ForRequest_SameBranchFromAnotherSentBy_Differs()
    {
        SipRequest request = Request("OPTIONS");
        SipRequest other = Parse(request.ToString().Replace("192.0.2.10:5060;branch", "192.0.2.11:5060;branch", StringComparison.Ordinal));

        Assert.NotEqual(TransactionKey.ForRequest(request), TransactionKey.ForRequest(other));
    }

    [Theory]
    [InlineData("z9hG4bK")]
    [InlineData("")]
    [InlineData("1234abcd")]
    public void ForRequest_BranchWithoutCookieAndMore_UsesRfc2543Matching(string branch)
    {
        TransactionKey? key = TransactionKey.ForRequest(Request("OPTIONS", branch: branch));

        Assert.True(key?.IsRfc2543);
    }

    [Fact]
    public void ForRequest_Rfc2543RequestsDifferingInCSeq_Differ()
    {
        Assert.NotEqual(
            TransactionKey.ForRequest(Request("OPTIONS", branch: "", cseq: 1)),
            TransactionKey.ForRequest(Request("OPTIONS", branch: "", cseq: 2)));
    }

    [Fact]
    public void NewBranch_TwoCalls_StartWithTheCookieAndDiffer()
    {
        string first = SipTransactionLayer.NewBranch();

        Assert.StartsWith("z9hG4bK", first, StringComparison.Ordinal);
        Assert.True(TransactionKey.IsRfc3261Branch(first));
        Assert.NotEqual(first, SipTransactionLayer.NewBranch());
    }
}
