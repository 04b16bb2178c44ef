using System.Reflection;
using Orch.Abstractions.Adapters;
using Orch.Abstractions.Profiles;
using Orch.Core.Profiles;

namespace Orch.Core.Plugins;

/// <summary>
/// Loads the plugins a repository's lock names, each into its own context. A plugin that cannot load (not restored, a
/// missing dependency, another major version of the contract, a constructor that throws) is reported by name with the
/// reason and left out; Orch goes on without it.
/// </summary>
public static class PluginLoader
{
    /// <summary>The major version of <c>Orch.Abstractions</c> this Orch implements; a plugin built against another is refused.</summary>
    public static int ContractMajor => typeof(IToolAdapter).Assembly.GetName().Version!.Major;

    /// <summary>Loads every plugin of the lock at <paramref name="repositoryRoot"/>; an unreadable lock is one problem.</summary>
    public static PluginSet LoadFor(string repositoryRoot)
    {
        if (!File.Exists(PluginLock.PathFor(repositoryRoot)))
        {
            return PluginSet.Empty;
        }

        var (pluginLock, error) = PluginLock.Read(repositoryRoot);
        if (pluginLock is null)
        {
            return new PluginSet([], [new PluginProblem("plugins.lock", "", error!)], []);
        }

        var loaded = new List<LoadedPlugin>();
        var problems = new List<PluginProblem>();
        var contexts = new List<PluginLoadContext>();
        foreach (var plugin in pluginLock.Plugins)
        {
            var folder = PluginLock.FolderFor(repositoryRoot, plugin.Id, plugin.Version);
            var (result, problem, context) = Load(plugin.Id, plugin.Version, folder, plugin.Assemblies);
            if (result is not null)
            {
                loaded.Add(result);
                contexts.Add(context!);
            }
            else
            {
                problems.Add(problem!);
            }
        }

        return new PluginSet(loaded, problems, contexts);
    }

    /// <summary>Loads one plugin from <paramref name="folder"/>, whose <paramref name="assemblies"/> are its own (the rest are its dependencies).</summary>
    internal static (LoadedPlugin? Plugin, PluginProblem? Problem, PluginLoadContext? Context) Load(string id, string version, string folder, IReadOnlyList<string> assemblies)
    {
        PluginProblem Problem(string reason) => new(id, version, reason);
        if (!Directory.Exists(folder) || assemblies.Any(a => !File.Exists(Path.Combine(folder, a))))
        {
            return (null, Problem("is in plugins.lock but not installed; run `dotnet orch plugin restore`"), null);
        }

        if (assemblies.Count == 0)
        {
            return (null, Problem("has no assembly to load; its package holds no lib/ folder for .NET"), null);
        }

        foreach (var assembly in assemblies)
        {
            if (Check(Path.Combine(folder, assembly), folder) is { } reason)
            {
                return (null, Problem(reason), null);
            }
        }

        var context = new PluginLoadContext(Path.Combine(folder, assemblies[0]), $"plugin {id} {version}");
        try
        {
            var adapters = new List<IToolAdapter>();
            var sources = new List<IProfileSource>();
            foreach (var file in assemblies)
            {
                var assembly = context.LoadFromAssemblyPath(Path.Combine(folder, file));
                foreach (var type in assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false } && t.GetConstructor(Type.EmptyTypes) is not null))
                {
                    if (typeof(IToolAdapter).IsAssignableFrom(type))
                    {
                        adapters.Add(new PluginAdapter((IToolAdapter)Create(type), $"{id} {version}"));
                    }

                    if (typeof(IProfileSource).IsAssignableFrom(type))
                    {
                        sources.Add((IProfileSource)Create(type));
                    }
                }

                if (assembly.GetManifestResourceNames().Any(n => n.StartsWith("profiles/", StringComparison.Ordinal)))
                {
                    sources.Add(new EmbeddedProfileSource(assembly, $"{id} {version}"));
                }
            }

            if (adapters.Count == 0 && sources.Count == 0)
            {
                context.Unload();
                return (null, Problem("offers no adapter and no profile: no public IToolAdapter or IProfileSource with a parameterless constructor, no profiles/*.yaml resource"), null);
            }

            var plugin = new LoadedPlugin(id, version, adapters, sources) { Assemblies = FolderAssemblies(folder, assemblies) };
            return (plugin, null, context);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            context.Unload();
            return (null, Problem(Describe(ex)), null);
        }
    }

    /// <summary>Finds, without loading anything, a contract of another major version or a dependency missing from the folder.</summary>
    private static string? Check(string path, string folder)
    {
        var (references, problem) = PluginReferences.Read(path);
        if (problem is not null)
        {
            return problem;
        }

        foreach (var reference in references)
        {
            if (string.Equals(reference.Name, PluginLoadContext.SharedContract, StringComparison.OrdinalIgnoreCase))
            {
                if (reference.Version?.Major != ContractMajor)
                {
                    return $"was built against Orch.Abstractions {reference.Version}, and this Orch implements {ContractMajor}.x; " +
                        $"install a version of the plugin built for Orch.Abstractions {ContractMajor}.x";
                }
            }
            else if (!PluginReferences.IsFramework(reference) && !File.Exists(Path.Combine(folder, reference.Name + ".dll")))
            {
                return $"needs {reference.Name} {reference.Version}, which is not in its folder; run `dotnet orch plugin restore`, " +
                    "or ask its author to declare the dependency in the package";
            }
        }

        return null;
    }

    // What the plugin runs with: its own assemblies first, then the dependencies in its folder, each with its version.
    private static List<AssemblyName> FolderAssemblies(string folder, IReadOnlyList<string> own) =>
        Directory.GetFiles(folder, "*.dll")
            .OrderBy(f => own.Contains(Path.GetFileName(f), StringComparer.OrdinalIgnoreCase) ? 0 : 1).ThenBy(f => f, StringComparer.Ordinal)
            .Select(f =>
            {
                try
                {
                    return AssemblyName.GetAssemblyName(f);
                }
                catch (BadImageFormatException)
                {
                    return null; // a native library
                }
            })
            .OfType<AssemblyName>()
            .ToList();

    private static object Create(Type type)
    {
        try
        {
            return Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is { } inner)
        {
            throw new PluginLoadException($"{type.FullName} threw in its constructor: {inner.GetType().Name}: {inner.Message}");
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        PluginLoadException load => load.Message,
        ReflectionTypeLoadException types => $"its types could not load: {string.Join("; ", types.LoaderExceptions.OfType<Exception>().Select(e => e.Message).Distinct().Take(3))}",
        FileNotFoundException missing => $"a dependency could not load: {missing.Message}",
        BadImageFormatException bad => $"an assembly is damaged or for another platform: {bad.Message}",
        _ => $"failed to load: {ex.GetType().Name}: {ex.Message}",
    };

    private sealed class PluginLoadException(string message) : Exception(message);
}
