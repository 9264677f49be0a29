using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Sums a trace's AllocationTick events (one about every 100 KB allocated, with its type and stack) by type and,
// inclusively, by frame: the share of all allocation made under each method. Record the trace with
//   dotnet-trace collect -p <pid> --providers 'Microsoft-Windows-DotNETRuntime:0x1:5' --duration 00:00:00:08 -o alloc.nettrace
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Portal.AllocationProfile <file.nettrace> [rows=40]");
    return 2;
}

int rows = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 40;
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
Dictionary<string, long> byType = [];
Dictionary<string, long> byFrame = [];
long total = 0;
foreach (var e in log.Events)
{
    if (e is not GCAllocationTickTraceData tick)
    {
        continue;
    }

    long amount = tick.AllocationAmount64;
    total += amount;
    string type = tick.TypeName ?? "?";
    byType[type] = byType.GetValueOrDefault(type) + amount;
    HashSet<string> seen = [];
    for (var frame = tick.CallStack(); frame is not null; frame = frame.Caller)
    {
        string name = frame.CodeAddress.FullMethodName;
        int parameters = name.IndexOf('(', StringComparison.Ordinal);
        name = parameters > 0 ? name[..parameters] : name;
        if (name.Length > 0 && seen.Add(name))
        {
            byFrame[name] = byFrame.GetValueOrDefault(name) + amount;
        }
    }
}

if (total == 0)
{
    Console.Error.WriteLine("no AllocationTick events: record with the GC keyword at verbose level (see the comment at the top)");
    return 1;
}

Console.WriteLine($"sampled allocation: {total / 1e6:F1} MB");
Print("by type", byType);
Print("by frame, inclusive", byFrame);
return 0;

void Print(string title, Dictionary<string, long> sums)
{
    Console.WriteLine(title);
    foreach (var (name, bytes) in sums.OrderByDescending(s => s.Value).Take(rows))
    {
        Console.WriteLine($"{bytes * 100.0 / total,7:F2} %  {name}");
    }
}
