using QRCoder;

namespace Portal.Components.Account;

/// <summary>Renders a QR code on the server, so two-factor setup needs no script and leaks no secret to a CDN.</summary>
internal static class QrCodeImage
{
    public static string ToPngDataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.Q);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
