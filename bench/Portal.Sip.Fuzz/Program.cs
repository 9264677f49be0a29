using System.Diagnostics;
using System.Globalization;

using Portal.Tests.Sip.Messages.Fuzzing;

// Fuzzes the SIP parser for a given time (scripts/fuzz-parser.sh): mutants of the RFC 4475 and well-formed
// messages, each checked by the same oracle as the parser fuzz test. Failing inputs are saved; the exit code is
// 0 when nothing failed, 1 on failures, 2 on a hang.
CultureInfo invariant = CultureInfo.InvariantCulture;
int seconds = args.Length > 0 ? int.Parse(args[0], invariant) : 60;
int seed = args.Length > 1 && args[1] != "random" ? int.Parse(args[1], invariant) : Random.Shared.Next();
string output = args.Length > 2 ? args[2] : Path.Combine(Environment.CurrentDirectory, "fuzz-failures");
const int MaxSaved = 100;
TimeSpan hangAfter = TimeSpan.FromSeconds(10);

string seedFolder = Path.Combine(AppContext.BaseDirectory, "Seeds");
List<byte[]> seeds = [.. Directory.GetFiles(seedFolder).Where(f => f.EndsWith(".dat", StringComparison.Ordinal) || f.EndsWith(".sip", StringComparison.Ordinal)).Order().Select(File.ReadAllBytes)];
Console.WriteLine($"Fuzzing the SIP parser for {seconds} s with seed {seed} ({seeds.Count} seed messages)");

SipMessageMutator mutator = new(seeds, seed);
long tried = 0, parsed = 0, refused = 0, viewRefusals = 0, failed = 0;
TimeSpan slowest = TimeSpan.Zero;
int slowestLength = 0;
byte[] current = [];
Dictionary<string, int> kinds = [];
Stopwatch clock = Stopwatch.StartNew();
Thread worker = new(() =>
{
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        byte[] mutant = mutator.Next();
        Volatile.Write(ref current, mutant);
        long started = Stopwatch.GetTimestamp();
        SipFuzzVerdict verdict = SipParserOracle.Check(mutant);
        TimeSpan took = Stopwatch.GetElapsedTime(started);
        if (took > slowest)
        {
            (slowest, slowestLength) = (took, mutant.Length);
        }

        if (verdict.Failure is { } failure)
        {
            failed++;
            Record(failure, mutant, tried);
        }
        else if (verdict.IsParsed)
        {
            parsed++;
            viewRefusals += verdict.RefusedViews;
        }
        else
        {
            refused++;
        }

        Interlocked.Increment(ref tried);
    }
}) { IsBackground = true };
worker.Start();

long seen = -1;
TimeSpan lastProgress = clock.Elapsed;
while (!worker.Join(TimeSpan.FromSeconds(1)))
{
    long now = Interlocked.Read(ref tried);
    if (now != seen)
    {
        seen = now;
        lastProgress = clock.Elapsed;
    }
    else if (clock.Elapsed - lastProgress > hangAfter)
    {
        string path = Save(Volatile.Read(ref current), $"{seed}-{now}-hang", $"no answer after {hangAfter.TotalSeconds} s");
        Console.WriteLine($"HANG on mutant {now} (seed {seed}); input saved to {path}");
        Environment.Exit(2);
    }
}

Console.WriteLine($"mutants tried {tried}, parsed {parsed}, refused {refused}, views refusing a parsed message {viewRefusals}, failures {failed}");
Console.WriteLine($"slowest mutant: {slowest.TotalMilliseconds:F1} ms for {slowestLength} bytes (all checks, not the parse alone)");
foreach ((string kind, int count) in kinds.OrderByDescending(k => k.Value))
{
    Console.WriteLine($"  {count} × {kind}");
}

if (failed > 0)
{
    Console.WriteLine($"Failing inputs (the first {MaxSaved}) are in {output}");
}

return failed == 0 ? 0 : 1;

void Record(string failure, byte[] input, long index)
{
    string kind = failure.Split(['\'', ':'], 2)[0].Trim();
    kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
    if (failed <= MaxSaved)
    {
        Save(input, $"{seed}-{index}", failure);
    }
}

string Save(byte[] input, string name, string failure)
{
    Directory.CreateDirectory(output);
    string path = Path.Combine(output, name + ".sip");
    File.WriteAllBytes(path, input);
    File.WriteAllText(Path.Combine(output, name + ".txt"), failure + Environment.NewLine);
    return path;
}
