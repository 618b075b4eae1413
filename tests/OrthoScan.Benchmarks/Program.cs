using BenchmarkDotNet.Running;

namespace OrthoScan.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        PeakRss.Clear();
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, new BenchConfig());
    }
}
