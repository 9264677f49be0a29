using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages;

/// <summary>
/// RFC 4475 §3.1.2: invalid messages are refused with 400 and a reason naming the problem (505 for badvers).
/// Of the seven a tolerant element may accept, this parser accepts lwsstart, trws and baddate (the extra
/// whitespace never reaches a forwarded message, and Date is never read or relayed) and refuses escruri,
/// regbadct, badaspec and baddn, whose bad syntax sits in URIs and addresses the service stores and relays.
/// </summary>
public sealed class Rfc4475InvalidMessageTests
{
    [Fact]
    public void Parse_Badinv01_RefusesEmptyViaParameters()
    {
        SipParseResult result = TortureMessages.Parse("badinv01");

        Assert.Equal(new SipParseError(400, "Bad Request - Malformed Via header"), result.Error);
        SipResponse answer = Assert.IsType<SipResponse>(result.CreateErrorResponse("x1"));
        Assert.Equal("badinv01.0ha0isndaksdjasdf3234nas", answer.CallId);
        Assert.Equal("8 INVITE", answer.Headers[SipHeaderNames.CSeq]);
    }

    [Fact]
    public void Parse_Clerr_RefusesContentLengthLargerThanTheBody()
    {
        Assert.Equal(new SipParseError(400, "Bad Request - Content-Length exceeds body"), TortureMessages.ParseFailure("clerr"));
    }

    [Fact]
    public void Parse_Ncl_RefusesNegativeContentLength()
    {
        Assert.Equal(new SipParseError(400, "Bad Request - Malformed Content-Length header"), TortureMessages.ParseFailure("ncl"));
    }

    [Fact]
    public void Parse_Scalar02_RefusesCSeqBeyondThirtyTwoBits()
    {
        Assert.Equal(new SipParseError(400, "Bad Request - Malformed CSeq header"), TortureMessages.ParseFailure("scalar02"));
    }

    [Fact]
    public void Parse_Scalarlg_RefusesTheResponseAndOffersNoAnswer()
    {
        SipParseResult result = TortureMessages.Parse("scalarlg");

        Assert.Equal(new SipParseError(400, "Bad Request - Malformed CSeq header"), result.Error);
        Assert.False(result.IsRequest);
        Assert.Null(result.CreateErrorResponse());
    }

    [Fact]
    public void Parse_Quotbal_RefusesAnUnterminatedQuotedDisplayName()
    {
        Assert.Equal(new SipParseError(400, "Bad Request - Malformed To header"), TortureMessages.ParseFailure("quotbal"));
    }

    [Fact]
    public void Parse_Ltgtruri_RefusesARequestUriInAngleBrackets()
    {
        Assert.Equal(new SipParseError(400, "Bad Request - Malformed Request-URI"), TortureMessages.ParseFailure("ltgtruri"));
    }

    [Fact]
    public void Parse_Lwsruri_RefusesWhitespaceInsideTheRequestUri()
    {
        SipParseResult result = TortureMessages.Parse("lwsruri");

        Assert.Equal(new SipParseError(400, "Bad Request - Malformed Request-Line"), result.Error);
        Assert.NotNull(result.CreateErrorResponse());
    }

    [Fact]
    public void Parse_Lwsstart_ToleratesExtraSpacesAndNeverWritesThemAgain()
    {
        SipRequest request = TortureMessages.ParseRequest("lwsstart");

        Assert.Equal("sip:user@example.com", request.Uri.ToString());
        Assert.StartsWith("INVITE sip:user@example.com SIP/2.0\r\n", request.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Trws_ToleratesTrailingSpacesAndNeverWritesThemAgain()
    {
        SipRequest request = TortureMessages.ParseRequest("trws");

        Assert.Equal(SipMethod.Options, request.Method);
        Assert.StartsWith("OPTIONS sip:remote-target@example.com SIP/2.0\r\n", request.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Escruri_RefusesHeadersInTheRequestUri()
    {
        Assert.Equal(new SipParseError(400, "Bad Request - Headers not allowed in Request-URI"), TortureMessages.ParseFailure("escruri"));
    }

    [Fact]
    public void Parse_Baddate_AcceptsTheRequestWithoutInterpretingDate()
    {
        SipRequest request = TortureMessages.ParseRequest("baddate");

        Assert.Equal("Fri, 01 Jan 2010 16:00:00 EST", request.Headers[SipHeaderNames.Date]);
        Assert.Equal(150, request.Body.Length);
    }

    [Fact]
    public void Parse_Regbadct_RefusesAnAddrSpecContactWithHeaders()
    {
        Assert.Equal(new SipParseError(400, "Bad Request - Malformed Contact header"), TortureMessages.ParseFailure("regbadct"));
    }

    [Fact]
    public void Parse_Badaspec_RefusesSpacesInsideAngleBrackets()
    {
        Assert.Equal(new SipParseError(400, "Bad Request - Malformed To header"), TortureMessages.ParseFailure("badaspec"));
    }

    [Fact]
    public void Parse_Baddn_RefusesAnUnquotedDisplayNameWithAComma()
    {
        Assert.Equal(new SipParseError(400, "Bad Request - Malformed From header"), TortureMessages.ParseFailure("baddn"));
    }

    [Fact]
    public void Parse_Badvers_AnswersVersionNotSupported()
    {
        SipParseResult result = TortureMessages.Parse("badvers");

        Assert.Equal(new SipParseError(505, "Version Not Supported"), result.Error);
        SipResponse answer = Assert.IsType<SipResponse>(result.CreateErrorResponse());
        Assert.Equal(505, answer.StatusCode);
        Assert.Equal("badvers.31417@c.example.com", answer.CallId);
    }

    [Fact]
    public void Parse_Mismatch01_RefusesCSeqMethodDifferentFromTheRequestLine()
    {
        Assert.Equal(
            new SipParseError(400, "Bad Request - CSeq method does not match request method"),
            TortureMessages.ParseFailure("mismatch01"));
    }

    [Fact]
    public void Parse_Mismatch02_RefusesAnUnknownMethodWithAnotherCSeqMethod()
    {
        SipParseResult result = TortureMessages.Parse("mismatch02");

        Assert.Equal(new SipParseError(400, "Bad Request - CSeq method does not match request method"), result.Error);
        Assert.Equal("NEWMETHOD", result.Method?.Name);
    }

    [Fact]
    public void Parse_Bigcode_RefusesAStatusCodeAbove699()
    {
        SipParseResult result = TortureMessages.Parse("bigcode");

        Assert.Equal(new SipParseError(400, "Bad Request - Malformed status code"), result.Error);
        Assert.Null(result.CreateErrorResponse());
    }
}
