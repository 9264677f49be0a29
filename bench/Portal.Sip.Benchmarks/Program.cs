using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Portal.Sip.Benchmarks.ParserBenchmarks).Assembly).Run(args);
