using System.Globalization;
using System.Text;

namespace Portal.Services;

/// <summary>
/// Ready-to-paste scripts that call the call manager's <c>blindtransfer</c> (DESIGN §7) for one user: Tropo
/// scripts in Ruby, JavaScript and Python, curl lines, and the dialplan line that sends calls to the voice app.
/// Every value is escaped for the language it lands in; nothing here reads state or logs.
/// </summary>
/// <param name="BaseUrl">The portal's public base URL, without a trailing slash.</param>
/// <param name="UserName">The portal user whose calls the key may transfer.</param>
/// <param name="Key">The call manager key, or null/blank for <see cref="KeyPlaceholder"/>.</param>
/// <param name="VoiceAppAddress">Where the dialplan line sends calls, e.g. <c>app@voice.example.com</c>.</param>
public sealed record CallManagerSnippets(string BaseUrl, string UserName, string? Key, string VoiceAppAddress)
{
    public const string KeyPlaceholder = "YOUR_CALL_MANAGER_KEY";
    public const string DefaultVoiceAppAddress = "your-app@voice.example.com";
    public const string TransferPath = "/callmanager/blindtransfer";
    public const string LegacyTransferPath = "/callmanager.svc/blindtransfer";

    private const string HoldMusic = "http://www.example.com/hold-music.mp3";
    private const string Prompt = "Please enter the number to transfer to, then press the hash key.";

    /// <summary>The configured public base URL when there is one, else the address the browser used.</summary>
    public static string ResolveBaseUrl(string? configured, string requestBaseUri) =>
        (string.IsNullOrWhiteSpace(configured) ? requestBaseUri : configured.Trim()).TrimEnd('/');

    public string TransferUrl => BaseUrl + TransferPath;

    public string LegacyTransferUrl => BaseUrl + LegacyTransferPath;

    public string EffectiveKey => string.IsNullOrWhiteSpace(Key) ? KeyPlaceholder : Key.Trim();

    private string EncodedUser => Uri.EscapeDataString(UserName);

    public string TropoRuby => $$"""
        # Blind transfer through the call manager for {{OneLine(UserName)}} (Tropo scripting, Ruby).
        require 'net/http'
        require 'net/https'
        require 'uri'
        require 'cgi'

        TRANSFER_URL = {{Ruby(TransferUrl)}}
        USER = {{Ruby(UserName)}}
        KEY = {{Ruby(EffectiveKey)}} # keep it secret: anyone with it can transfer your calls
        HOLD_MUSIC = {{Ruby(HoldMusic)}}

        answer
        # The SIP Call-ID of the leg the service placed to this app. The From user token of your
        # dialplan line (xfer-N) works as well: call_id = $currentCall.callerID
        call_id = $currentCall.getHeader("x-sbc-call-id").to_s

        # Or transfer to a fixed number: destination = '5551234'
        result = ask {{Ruby(Prompt)}},
          { :choices => "[1-15 DIGITS]", :terminator => "#", :timeout => 10.0, :mode => "dtmf" }
        destination = result.value.to_s

        uri = URI.parse("#{TRANSFER_URL}?user=#{CGI.escape(USER)}&callid=#{CGI.escape(call_id)}&destination=#{CGI.escape(destination)}")
        http = Net::HTTP.new(uri.host, uri.port)
        http.use_ssl = (uri.scheme == 'https')
        request = Net::HTTP::Get.new(uri.request_uri)
        request['Authorization'] = "Bearer #{KEY}" # or add &key=... to the URL
        response = http.request(request)
        log "blindtransfer #{response.code}: #{response.body}"

        if response.code.to_i >= 300
          say "Sorry, the transfer could not be started."
          hangup
        else
          # The service hangs up this leg as soon as the new party answers; until then the caller hears this.
          30.times { say HOLD_MUSIC }
        end
        """;

    public string TropoJavaScript => $$"""
        // Blind transfer through the call manager for {{OneLine(UserName)}} (Tropo scripting, JavaScript).
        var TRANSFER_URL = {{Js(TransferUrl)}};
        var USER = {{Js(UserName)}};
        var KEY = {{Js(EffectiveKey)}}; // keep it secret: anyone with it can transfer your calls
        var HOLD_MUSIC = {{Js(HoldMusic)}};

        answer();
        // The SIP Call-ID of the leg the service placed to this app. The From user token of your
        // dialplan line (xfer-N) works as well: String(currentCall.callerID)
        var callId = String(currentCall.getHeader("x-sbc-call-id"));

        // Or transfer to a fixed number: var destination = "5551234";
        var result = ask({{Js(Prompt)}},
            { choices: "[1-15 DIGITS]", terminator: "#", timeout: 10.0, mode: "dtmf" });
        var destination = String(result.value);

        var url = TRANSFER_URL + "?user=" + encodeURIComponent(USER) + "&callid=" + encodeURIComponent(callId) +
            "&destination=" + encodeURIComponent(destination);
        var connection = new java.net.URL(url).openConnection();
        connection.setRequestProperty("Authorization", "Bearer " + KEY); // or add &key=... to the URL
        var status = connection.getResponseCode();
        var stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        var body = "";
        if (stream != null) {
            var scanner = new java.util.Scanner(stream, "UTF-8").useDelimiter("\\A");
            body = scanner.hasNext() ? String(scanner.next()) : "";
            stream.close();
        }
        log("blindtransfer " + status + ": " + body);

        if (status >= 300) {
            say("Sorry, the transfer could not be started.");
            hangup();
        } else {
            // The service hangs up this leg as soon as the new party answers; until then the caller hears this.
            for (var i = 0; i < 30; i++) {
                say(HOLD_MUSIC);
            }
        }
        """;

    public string TropoPython => $$"""
        # Blind transfer through the call manager for {{OneLine(UserName)}} (Tropo scripting, Python).
        import urllib
        import urllib2

        TRANSFER_URL = {{Python(TransferUrl)}}
        USER = {{Python(UserName)}}
        KEY = {{Python(EffectiveKey)}}  # keep it secret: anyone with it can transfer your calls
        HOLD_MUSIC = {{Python(HoldMusic)}}

        answer()
        # The SIP Call-ID of the leg the service placed to this app. The From user token of your
        # dialplan line (xfer-N) works as well: call_id = str(currentCall.callerID)
        call_id = str(currentCall.getHeader("x-sbc-call-id"))

        # Or transfer to a fixed number: destination = '5551234'
        result = ask({{Python(Prompt)}},
                     {"choices": "[1-15 DIGITS]", "terminator": "#", "timeout": 10.0, "mode": "dtmf"})
        destination = str(result.value)

        query = urllib.urlencode([('user', USER), ('callid', call_id), ('destination', destination)])
        request = urllib2.Request(TRANSFER_URL + '?' + query, headers={'Authorization': 'Bearer ' + KEY})
        try:
            response = urllib2.urlopen(request)
            status, body = response.code, response.read()
        except urllib2.HTTPError, error:
            status, body = error.code, error.read()
        log("blindtransfer %s: %s" % (status, body))

        if status >= 300:
            say("Sorry, the transfer could not be started.")
            hangup()
        else:
            # The service hangs up this leg as soon as the new party answers; until then the caller hears this.
            for i in range(30):
                say(HOLD_MUSIC)
        """;

    public string Curl => $$"""
        # Start a transfer; the answer is 202 with a transfer id once it is under way.
        curl -sS {{Shell($"{TransferUrl}?user={EncodedUser}&callid=CALL_ID&destination=5551234")}} \
          -H {{Shell($"Authorization: Bearer {EffectiveKey}")}}

        # The same, letting curl encode the values, and waiting up to 30 s for the outcome
        # (200 answered, 502 failed, 504 timed out).
        curl -sS -G {{Shell(TransferUrl)}} \
          -H {{Shell($"Authorization: Bearer {EffectiveKey}")}} \
          --data-urlencode {{Shell($"user={UserName}")}} \
          --data-urlencode 'callid=CALL_ID' \
          --data-urlencode 'destination=5551234' \
          --data-urlencode 'wait=30'
        """;

    public string DialplanLine =>
        $$"""when /^232$/ then sys.Dial("{{DialplanString(VoiceAppAddress.Trim())}}[fu=xfer-#{sys.CallNumber}]")""";

    /// <summary>
    /// A double-quoted Ruby literal: <c>#</c> escaped so nothing interpolates, and anything outside printable ASCII
    /// as UTF-8 <c>\xNN</c> bytes, which every Ruby (1.8 to JRuby 9k) reads without a magic encoding comment.
    /// </summary>
    internal static string Ruby(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            builder.Append(b switch
            {
                (byte)'\\' => "\\\\",
                (byte)'"' => "\\\"",
                (byte)'#' => "\\#",
                < 0x20 or >= 0x7f => $"\\x{b:x2}",
                _ => ((char)b).ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    /// <summary>A single-quoted Python 2 literal; non-ASCII goes in as UTF-8 bytes so Jython needs no coding line.</summary>
    internal static string Python(string value)
    {
        var builder = new StringBuilder("'");
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            builder.Append(b switch
            {
                (byte)'\\' => "\\\\",
                (byte)'\'' => "\\'",
                < 0x20 or >= 0x7f => $"\\x{b:x2}",
                _ => ((char)b).ToString(),
            });
        }

        return builder.Append('\'').ToString();
    }

    /// <summary>A double-quoted JavaScript literal, with everything outside printable ASCII as \u escapes (U+2028/9 would end the line).</summary>
    internal static string Js(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                < ' ' or > '~' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    /// <summary>A single-quoted POSIX shell word: nothing is special inside but the quote itself.</summary>
    internal static string Shell(string value) => "'" + value.Replace("'", "'\\''") + "'";

    /// <summary>A dialplan string's inside (DESIGN §6): quote, backslash and the interpolation marks escaped.</summary>
    internal static string DialplanString(string value)
    {
        var builder = new StringBuilder();
        foreach (var c in value)
        {
            if (c is '"' or '\\' or '#' or '$')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Text for a comment line: a line break would end the comment and start code, and Python 2 and old Rubies
    /// refuse non-ASCII source without an encoding line.
    /// </summary>
    private static string OneLine(string value) => new(value.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
}
