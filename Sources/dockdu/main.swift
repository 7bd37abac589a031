import DockduCore

ProcessEnvironment.exit(CommandLineTool.run(arguments: Array(CommandLine.arguments.dropFirst())))
