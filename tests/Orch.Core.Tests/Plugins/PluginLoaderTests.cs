using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using Orch.Abstractions.Adapters;
using Orch.Core.Plugins;
using Orch.Testing;

namespace Orch.Core.Tests.Plugins;

/// <summary>The sample plugin and a broken one, loaded from folders as `plugin add` leaves them.</summary>
[TestClass]
public sealed class PluginLoaderTests
{
    private const string SampleId = "Orch.Samples.MarkerCheck";
    private const string SampleDll = "Orch.Samples.MarkerCheck.dll";

    /// <summary>A plugin folder made from a project's build output, without Orch's own contract or the deps file, as NuGet extracts it.</summary>
    private static string PluginFolder(TempDirectory dir, string projectFolder, string name)
    {
        var output = Path.Combine(SourceTree.Root(), projectFolder, "bin", SourceTree.Configuration, new DirectoryInfo(AppContext.BaseDirectory).Name);
        var folder = dir.Combine("plugins", name);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(output, "*.dll").Where(f => !Path.GetFileName(f).StartsWith("Orch.Abstractions", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return folder;
    }

    private static string Sample(TempDirectory dir) => PluginFolder(dir, Path.Combine("samples", "plugins", "MarkerCheck"), "sample");

    [TestMethod]
    public void Load_SamplePlugin_ItRunsWithItsOwnYamlDotNetWhileOrchKeepsItsOwn()
    {
        using var dir = new TempDirectory();

        var (plugin, problem, context) = PluginLoader.Load(SampleId, "1.0.0", Sample(dir), [SampleDll]);

        Assert.IsNull(problem, problem?.Reason);
        Assert.AreEqual("marker-check", plugin!.Adapters.Single().Name);
        Assert.AreEqual(1, plugin.ProfileSources.Count, "the embedded profiles/markers.yaml");
        var pluginType = context!.Assemblies.Single(a => a.GetName().Name == "Orch.Samples.MarkerCheck").GetType("Orch.Samples.MarkerCheck.MarkerCheckAdapter")!;
        var pluginYaml = (string)pluginType.GetProperty("YamlVersion")!.GetValue(null)!;
        Assert.AreEqual(16, Version.Parse(pluginYaml).Major, "the plugin sees the YamlDotNet it was built with");
        Assert.AreEqual(18, typeof(YamlDotNet.RepresentationModel.YamlStream).Assembly.GetName().Version!.Major, "Orch sees its own");
        CollectionAssert.Contains(plugin.Assemblies.Select(a => $"{a.Name} {a.Version}").ToList(), "YamlDotNet 16.0.0.0");
        context.Unload();
    }

    [TestMethod]
    public void Load_PluginMissingADependency_IsReportedWithTheAssemblyItNeeds()
    {
        using var dir = new TempDirectory();
        var folder = Sample(dir);
        File.Delete(Path.Combine(folder, "YamlDotNet.dll"));

        var (plugin, problem, _) = PluginLoader.Load(SampleId, "1.0.0", folder, [SampleDll]);

        Assert.IsNull(plugin);
        StringAssert.Contains(problem!.Reason, "needs YamlDotNet 16.0.0.0, which is not in its folder");
        StringAssert.Contains(problem.Reason, "plugin restore");
    }

    [TestMethod]
    public void Load_PluginBuiltAgainstAnotherContractMajor_IsRefusedWithTheVersionsAndWhatToDo()
    {
        using var dir = new TempDirectory();
        var folder = Sample(dir);
        SetReferencedMajor(Path.Combine(folder, SampleDll), "Orch.Abstractions", 2);

        var (plugin, problem, _) = PluginLoader.Load(SampleId, "1.0.0", folder, [SampleDll]);

        Assert.IsNull(plugin);
        StringAssert.Contains(problem!.Reason, "was built against Orch.Abstractions 2.");
        StringAssert.Contains(problem.Reason, $"this Orch implements {PluginLoader.ContractMajor}.x");
    }

    [TestMethod]
    public void Load_PluginWhoseConstructorThrows_IsReportedByTypeWithItsMessage()
    {
        using var dir = new TempDirectory();
        var folder = PluginFolder(dir, Path.Combine("tests", "Orch.Testing.ThrowingPlugin"), "throwing");

        var (plugin, problem, _) = PluginLoader.Load("Throwing", "1.0.0", folder, ["Orch.Testing.ThrowingPlugin.dll"]);

        Assert.IsNull(plugin);
        StringAssert.Contains(problem!.Reason, "Orch.Testing.ThrowingPlugin.ExplodingAdapter threw in its constructor");
        StringAssert.Contains(problem.Reason, "the plugin's settings file is missing");
    }

    [TestMethod]
    public void LoadFor_LockedPluginNotInstalled_IsReportedWithRestore_AndTheOthersStillLoad()
    {
        using var dir = new TempDirectory();
        var sample = Sample(dir);
        var installed = PluginLock.FolderFor(dir.Path, SampleId, "1.0.0");
        Directory.CreateDirectory(Path.GetDirectoryName(installed)!);
        Directory.Move(sample, installed);
        new PluginLock
        {
            Plugins =
            [
                new LockedPlugin(SampleId, "1.0.0", [SampleDll], []),
                new LockedPlugin("Acme.Missing", "2.0.0", ["Acme.Missing.dll"], []),
            ],
        }.Write(dir.Path);

        using var set = PluginLoader.LoadFor(dir.Path);

        Assert.AreEqual(SampleId, set.Plugins.Single().Id);
        var problem = set.Problems.Single();
        Assert.AreEqual("Acme.Missing 2.0.0", problem.DisplayName);
        StringAssert.Contains(problem.Reason, "dotnet orch plugin restore");
    }

    [TestMethod]
    public void LoadFor_BrokenLock_NamesTheFileAndLine()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(PluginLock.PathFor(dir.Path), "{\n  \"version\": 1,\n  \"plugins\": [ {\"id\": \"x\", \"colour\": \"red\"} ]\n}\n");

        using var set = PluginLoader.LoadFor(dir.Path);

        Assert.AreEqual(0, set.Plugins.Count);
        StringAssert.Contains(set.Problems.Single().Reason, $"{PluginLock.PathFor(dir.Path)}(3)");
    }

    [TestMethod]
    public void LoadFor_LockWhoseIdIsAPath_IsRefusedBeforeAnyFolderIsUsed()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(PluginLock.PathFor(dir.Path),
            "{\"version\": 1, \"plugins\": [{\"id\": \"../../../outside\", \"version\": \"1.0.0\", \"assemblies\": [\"x.dll\"], \"packages\": []}]}");

        using var set = PluginLoader.LoadFor(dir.Path);

        Assert.AreEqual(0, set.Plugins.Count);
        StringAssert.Contains(set.Problems.Single().Reason, "'../../../outside' '1.0.0' is not a NuGet package id and version");
    }

    [TestMethod]
    public void Dispose_AfterTheCommandIsDone_ThePluginsContextIsCollected()
    {
        using var dir = new TempDirectory();
        var context = LoadUseAndDispose(Sample(dir));

        for (var i = 0; i < 20 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.IsFalse(context.IsAlive, "nothing of Orch holds the plugin once its set is disposed");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadUseAndDispose(string folder)
    {
        var (plugin, problem, context) = PluginLoader.Load(SampleId, "1.0.0", folder, [SampleDll]);
        Assert.IsNull(problem, problem?.Reason);
        var unloading = new StrongBox<bool>();
        context!.Unloading += _ => unloading.Value = true;
        using (var set = new PluginSet([plugin!], [], [context]))
        {
            Assert.AreEqual("marker-check", set.Adapters.Single().Name);
            Assert.IsTrue(set.ProfileSources.Single().GetProfiles().Count > 0);
        }

        Assert.IsTrue(unloading.Value, "disposing the set unloads the plugin's context");
        return new WeakReference(context);
    }

    [TestMethod]
    public async Task PluginAdapter_WhenThePluginThrows_TheAttemptFailsNamingThePlugin()
    {
        var adapter = new PluginAdapter(new FaultyAdapter(hang: false), "Acme.Tools 1.2.0");

        var result = await adapter.RunAsync(new ToolInvocation { JobId = "j", WorkingDirectory = "." }, null!, CancellationToken.None);

        Assert.IsFalse(result.Succeeded, "a failed attempt, so retries and the breaker apply");
        StringAssert.Contains(result.Error, "adapter 'faulty' of plugin Acme.Tools 1.2.0 failed: InvalidOperationException: parser crashed");
    }

    [TestMethod]
    public async Task PluginAdapter_WhenThePluginIgnoresCancellation_TheCallIsAbandonedAtTheTimeout()
    {
        var adapter = new PluginAdapter(new FaultyAdapter(hang: true), "Acme.Tools 1.2.0");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var call = adapter.RunAsync(new ToolInvocation { JobId = "j", WorkingDirectory = "." }, null!, timeout.Token).AsTask();

        var finished = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.AreSame(call, finished, "the run goes on without waiting for the plugin");
        await Assert.ThrowsExactlyAsync<TaskCanceledException>(() => call);
    }

    /// <summary>Sets the major version with which <paramref name="path"/> references <paramref name="assembly"/>, as a plugin built against it would.</summary>
    private static void SetReferencedMajor(string path, string assembly, ushort major)
    {
        var bytes = File.ReadAllBytes(path);
        int offset;
        using (var pe = new PEReader(new MemoryStream(bytes)))
        {
            var metadata = pe.GetMetadataReader();
            var row = metadata.AssemblyReferences.Select((h, i) => (Reference: metadata.GetAssemblyReference(h), Index: i))
                .Single(r => metadata.GetString(r.Reference.Name) == assembly).Index;
            var table = metadata.GetTableMetadataOffset(TableIndex.AssemblyRef) + metadata.GetTableRowSize(TableIndex.AssemblyRef) * row;
            offset = pe.PEHeaders.MetadataStartOffset + table;
        }

        // The row starts with MajorVersion, a little-endian ushort.
        bytes[offset] = (byte)major;
        bytes[offset + 1] = (byte)(major >> 8);
        File.WriteAllBytes(path, bytes);
    }

    private sealed class FaultyAdapter(bool hang) : IToolAdapter
    {
        public string Name => "faulty";

        public IReadOnlyList<Capability> Capabilities => [];

        public ValueTask<ToolAvailability> ProbeAsync(IProcessLauncher launcher, CancellationToken cancellationToken) => throw new NotSupportedException();

        public async ValueTask<ToolResult> RunAsync(ToolInvocation invocation, IProcessLauncher launcher, CancellationToken cancellationToken)
        {
            if (hang)
            {
                // Deaf to cancellation, as a badly written plugin is.
                await Task.Delay(Timeout.InfiniteTimeSpan, CancellationToken.None);
            }

            throw new InvalidOperationException("parser crashed");
        }
    }
}
