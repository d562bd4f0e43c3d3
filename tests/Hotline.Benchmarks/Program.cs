System.Console.WriteLine("Benchmarks: see docs/benchmarks.md");
