return OrthoScan.Ml.Cli.Cli.Run(args);
