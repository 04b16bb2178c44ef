using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Reflection;
using Orch.Core.Application;

namespace Orch.Cli.Tests.Architecture;

/// <summary>
/// Hosts parse, call the application layer and render. The CLI and the dashboard may name only the application layer's types, the records
/// its use cases take and return, the typed events it renders, and the serialization helpers; the engine names no console, command-line or MSBuild code.
/// </summary>
[TestClass]
public sealed class LayeringTests
{
    private static readonly Assembly Core = typeof(OrchEngine).Assembly;
    private static readonly Assembly Cli = typeof(OrchCli).Assembly;
    private static readonly Assembly Dashboard = typeof(Orch.Dashboard.DashboardServer).Assembly;

    [TestMethod]
    public void Cli_ReferencesOnlyTheApplicationLayerAndWhatItsUseCasesExchange()
    {
        var offending = BeyondTheApplicationLayer(Cli);

        Assert.IsEmpty(offending, "the CLI reaches past the application layer to: " + string.Join(", ", offending));
    }

    [TestMethod]
    public void Dashboard_ReferencesOnlyTheApplicationLayer_AndNeverTheDatabaseOrAdapters()
    {
        var offending = BeyondTheApplicationLayer(Dashboard);
        var references = Dashboard.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.IsEmpty(offending, "the dashboard reaches past the application layer to: " + string.Join(", ", offending));
        CollectionAssert.DoesNotContain(references, "Microsoft.Data.Sqlite", "the dashboard reads through the use cases, never the file");
        CollectionAssert.DoesNotContain(references, "Orch.Adapters", "the dashboard runs no tools");
    }

    private static List<string> BeyondTheApplicationLayer(Assembly host)
    {
        var surface = ApplicationSurface();
        return ReferencedTypes(host, "Orch.Core")
            .Where(name => !name.StartsWith("Orch.Core.Application.", StringComparison.Ordinal)
                           && !name.StartsWith("Orch.Core.Serialization.", StringComparison.Ordinal)
                           && !surface.Contains(name)
                           // Failures of the environment arrive as exceptions the host maps to exit codes.
                           && Core.GetType(name)?.IsSubclassOf(typeof(Exception)) != true)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [TestMethod]
    public void Cli_NeverOpensTheDatabaseOrCallsAdaptersItself()
    {
        var references = Cli.GetReferencedAssemblies().Select(a => a.Name).ToList();

        CollectionAssert.DoesNotContain(references, "Microsoft.Data.Sqlite", "the CLI must not open the database; the stores sit behind the application layer");
        CollectionAssert.DoesNotContain(references, "Orch.Adapters", "the CLI must not run adapters; jobs go through the application layer");
    }

    [TestMethod]
    public void Core_ReferencesNoConsoleCommandLineOrMSBuildTaskCode()
    {
        var references = Core.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        foreach (var forbidden in new[] { "Spectre.Console", "System.CommandLine", "Microsoft.Build.Utilities.Core", "Orch.MSBuild", "Orch.Cli", "System.Console" })
        {
            CollectionAssert.DoesNotContain(references, forbidden, $"Orch.Core must not reference {forbidden}");
        }

        var consoleTypes = ReferencedTypes(Core, "System.Console").Concat(ReferencedTypes(Core, "System.Runtime"))
            .Where(n => n == "System.Console").ToList();
        Assert.IsEmpty(consoleTypes, "the engine writes no console output; it emits events and returns results");
    }

    [TestMethod]
    public void ArchitectureTest_WhenAHostNamesAnEngineInternal_Fails()
    {
        // The rule must be able to fail: a type outside the surface, such as the plan runner, is not allowed.
        var surface = ApplicationSurface();

        Assert.DoesNotContain("Orch.Core.Workflow.PlanRunner", surface);
        Assert.DoesNotContain("Orch.Core.Storage.Sqlite.SqliteStateStore", surface);
        Assert.DoesNotContain("Orch.Core.Execution.JobExecutor", surface);
        Assert.Contains("Orch.Core.Workflow.RunSummary", surface, "what a use case returns is part of the surface");
    }

    /// <summary>Every Orch.Core type reachable from the application layer's public signatures: parameters, returns, properties, nested and generic types.</summary>
    private static HashSet<string> ApplicationSurface()
    {
        var seen = new HashSet<Type>();
        // The use cases, and the typed events hosts render.
        var queue = new Queue<Type>(Core.GetExportedTypes().Where(t => t.Namespace is "Orch.Core.Application" or "Orch.Core.Events"));
        while (queue.Count > 0)
        {
            var type = queue.Dequeue();
            if (type.IsGenericParameter)
            {
                continue;
            }

            if (type.IsGenericType && !type.IsGenericTypeDefinition)
            {
                foreach (var argument in type.GetGenericArguments())
                {
                    queue.Enqueue(argument);
                }

                type = type.GetGenericTypeDefinition();
            }

            if (type.HasElementType)
            {
                queue.Enqueue(type.GetElementType()!);
                continue;
            }

            if (type.Assembly != Core || !seen.Add(type))
            {
                continue;
            }

            const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var property in type.GetProperties(Public))
            {
                queue.Enqueue(property.PropertyType);
            }

            foreach (var method in type.GetMethods(Public).Where(m => !m.IsSpecialName))
            {
                queue.Enqueue(method.ReturnType);
                foreach (var parameter in method.GetParameters())
                {
                    queue.Enqueue(parameter.ParameterType);
                }
            }

            foreach (var constructor in type.GetConstructors())
            {
                foreach (var parameter in constructor.GetParameters())
                {
                    queue.Enqueue(parameter.ParameterType);
                }
            }

            foreach (var nested in type.GetNestedTypes(BindingFlags.Public))
            {
                queue.Enqueue(nested);
            }

            if (type.BaseType is { } baseType)
            {
                queue.Enqueue(baseType);
            }
        }

        return seen.Select(t => t.FullName!.Replace('+', '.')).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The full names of the types <paramref name="assembly"/> references from the assembly named <paramref name="target"/>.</summary>
    private static IEnumerable<string> ReferencedTypes(Assembly assembly, string target)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        // An outer type named only as the scope of a nested one (FileValidator in FileValidator.FileResult) is not used itself.
        var scopes = reader.TypeReferences.Select(h => reader.GetTypeReference(h).ResolutionScope)
            .Where(s => s.Kind == HandleKind.TypeReference).Select(s => (TypeReferenceHandle)s).ToHashSet();
        foreach (var handle in reader.TypeReferences.Where(h => !scopes.Contains(h)))
        {
            var reference = reader.GetTypeReference(handle);
            var (scope, name) = Resolve(reader, reference);
            if (scope == target)
            {
                yield return name;
            }
        }
    }

    private static (string? Assembly, string FullName) Resolve(MetadataReader reader, TypeReference reference)
    {
        var name = reader.GetString(reference.Name);
        var space = reader.GetString(reference.Namespace);
        switch (reference.ResolutionScope.Kind)
        {
            case HandleKind.AssemblyReference:
                var assembly = reader.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope);
                return (reader.GetString(assembly.Name), space.Length == 0 ? name : $"{space}.{name}");
            case HandleKind.TypeReference:
                var (outerAssembly, outer) = Resolve(reader, reader.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope));
                return (outerAssembly, $"{outer}.{name}");
            default:
                return (null, name);
        }
    }
}
