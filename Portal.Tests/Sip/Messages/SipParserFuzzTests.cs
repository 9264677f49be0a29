using Portal.Sip.Messages;
using Portal.Tests.Sip.Messages.Fuzzing;

namespace Portal.Tests.Sip.Messages;

/// <summary>
/// A bounded fuzz run of the parser (fixed seed and budget, so a failure reproduces): mutants of the RFC 4475
/// messages and of well-formed messages must parse or be refused, never crash or hang, and what parses must
/// re-serialise stably and give typed views that throw nothing but <see cref="SipFormatException"/>. The longer,
/// randomly seeded run is <c>scripts/fuzz-parser.sh</c>.
/// </summary>
public sealed class SipParserFuzzTests
{
    private const int Seed = 4475;
    private const int Mutants = 20_000;

    /// <summary>Only a guard against a hang; a normal run takes a few seconds.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(3);

    [Fact]
    public void Seeds_WellFormedMessages_ParseAndPassTheOracle()
    {
        foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "Messages"), "*.sip"))
        {
            SipFuzzVerdict verdict = SipParserOracle.Check(File.ReadAllBytes(file));

            Assert.True(verdict.IsParsed, $"{Path.GetFileName(file)}: {verdict.Failure ?? "refused"}");
            Assert.Equal(0, verdict.RefusedViews);
        }
    }

    [Fact]
    public async Task Parse_TwentyThousandMutants_NoCrashNoHangAndStableRoundTrips()
    {
        SipMessageMutator mutator = new(LoadSeeds(), Seed);
        int parsed = 0;
        int failed = 0;
        List<string> failures = [];

        await Task.Run(() =>
        {
            for (int i = 0; i < Mutants; i++)
            {
                byte[] mutant = mutator.Next();
                SipFuzzVerdict verdict = SipParserOracle.Check(mutant);
                parsed += verdict.IsParsed ? 1 : 0;
                if (verdict.Failure is { } failure && ++failed <= 5)
                {
                    string input = mutant.Length <= 2048 ? Convert.ToBase64String(mutant) : $"{mutant.Length} bytes, rerun to see";
                    failures.Add($"mutant {i}: {failure}\n  input (base64): {input}");
                }
            }
        }).WaitAsync(HangGuard);

        Assert.True(failed == 0, $"{failed} of {Mutants} mutants failed; the first:\n" + string.Join("\n", failures));

        // Mutations so destructive that nothing parses would leave the views and round trips untested (about one
        // mutant in six parses).
        Assert.InRange(parsed, Mutants / 10, Mutants);
    }

    /// <summary>The RFC 4475 messages and the well-formed ones in TestData/Messages.</summary>
    internal static List<byte[]> LoadSeeds() =>
    [
        .. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "Rfc4475"), "*.dat").Order().Select(File.ReadAllBytes),
        .. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "Messages"), "*.sip").Order().Select(File.ReadAllBytes),
    ];
}
