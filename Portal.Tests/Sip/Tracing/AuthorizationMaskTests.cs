using System.Text;
using Portal.Sip.Tracing;

namespace Portal.Tests.Sip.Tracing;

public sealed class AuthorizationMaskTests
{
    [Theory]
    [InlineData("Authorization: Digest username=\"alice\", response=\"secret-hash\", nc=00000001", "Authorization: Digest username=\"alice\", response=\"********\", nc=00000001")]
    [InlineData("proxy-authorization:Digest response=secret-hash,username=\"alice\"", "proxy-authorization:Digest response=\"********\",username=\"alice\"")]
    [InlineData("Authorization: Digest username=\"alice\",\r\n  response=\"secret-hash\"", "Authorization: Digest username=\"alice\",\r\n  response=\"********\"")]
    [InlineData("Authorization: Bearer secret-hash", "Authorization: Bearer ********")]
    public void Apply_MasksTheCredentialsOnly(string header, string expected)
    {
        var message = $"INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\n{header}\r\nContent-Length: 4\r\n\r\nbody";

        var masked = Encoding.Latin1.GetString(AuthorizationMask.Apply(Encoding.Latin1.GetBytes(message)));

        Assert.Equal($"INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\n{expected}\r\nContent-Length: 4\r\n\r\nbody", masked);
        Assert.DoesNotContain("secret-hash", masked);
    }

    [Fact]
    public void Apply_NoCredentials_ReturnsTheSameBytes()
    {
        var bytes = Encoding.UTF8.GetBytes("BYE sip:a@b SIP/2.0\r\nX-Note: response=\"kept\"\r\n\r\nAuthorization: in the body stays\r\n");

        Assert.Same(bytes, AuthorizationMask.Apply(bytes));
    }

    [Fact]
    public void Apply_KeepsNonAsciiBytesElsewhereExactly()
    {
        var bytes = Encoding.UTF8.GetBytes("INVITE sip:a@b SIP/2.0\r\nFrom: \"Zoë\" <sip:z@b>\r\nAuthorization: Digest response=\"x\"\r\n\r\nü");

        var masked = AuthorizationMask.Apply(bytes);

        Assert.Equal("INVITE sip:a@b SIP/2.0\r\nFrom: \"Zoë\" <sip:z@b>\r\nAuthorization: Digest response=\"********\"\r\n\r\nü", Encoding.UTF8.GetString(masked));
    }
}
