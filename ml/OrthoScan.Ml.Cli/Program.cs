using System.CommandLine;

var root = new RootCommand("OrthoScan ML: train and evaluate tag-suggestion models on exported datasets.");
return root.Parse(args).Invoke();
