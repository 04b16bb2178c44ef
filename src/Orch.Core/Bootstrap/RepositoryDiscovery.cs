using System.Text.Json;
using System.Text.RegularExpressions;
using Orch.Core.Testing.Dotnet;

namespace Orch.Core.Bootstrap;

/// <summary>
/// Finds out what a repository is from evidence: manifests, project files and their evaluated properties, lock files,
/// config files and file types. Folder names are never evidence. Each conclusion records the file that shows it.
/// </summary>
public sealed partial class RepositoryDiscovery(IDotnetProjectEvaluator evaluator, TimeProvider time)
{
    private const int MaxFiles = 20_000;
    private static readonly string[] DependencyKeys = ["dependencies", "devDependencies"];
    private static readonly string[] NodeTestFrameworks = ["jest", "vitest", "mocha"];
    private static readonly string[] NodeFrameworks = ["react", "next", "vue", "express", "eslint", "typescript"];
    private static readonly string[] CodeExtensions = [".cs", ".fs", ".py", ".js", ".ts", ".go", ".rs", ".java"];
    private const int MaxProjects = 40;

    public DiscoveryResult Discover(string root)
    {
        root = Path.GetFullPath(root);
        var files = RepositoryFiles.Under(root).Take(MaxFiles).ToList();
        var evidence = new List<Evidence>();
        var signals = new Dictionary<string, int>(StringComparer.Ordinal) { ["dotnet"] = 0, ["python"] = 0, ["node"] = 0, ["data"] = 0, ["docs"] = 0, ["ops"] = 0 };
        var languages = new SortedSet<string>(StringComparer.Ordinal);
        var frameworks = new SortedSet<string>(StringComparer.Ordinal);
        var testFrameworks = new SortedSet<string>(StringComparer.Ordinal);
        var packageManagers = new SortedSet<string>(StringComparer.Ordinal);
        var ci = new SortedSet<string>(StringComparer.Ordinal);
        string Rel(string f) => Path.GetRelativePath(root, f).Replace('\\', '/');
        void Add(string domain, int points, string conclusion, string file, string detail)
        {
            signals[domain] += points;
            evidence.Add(new Evidence(conclusion, Rel(file), detail));
        }

        // .NET: solutions and projects, evaluated by MSBuild.
        foreach (var sln in files.Where(f => f.EndsWith(".sln", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase)).Take(5))
        {
            Add("dotnet", 5, ".NET solution", sln, "solution file");
        }

        var projects = new List<DotnetProject>();
        foreach (var project in files.Where(f => f.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".fsproj", StringComparison.OrdinalIgnoreCase)).Take(MaxProjects))
        {
            var evaluated = evaluator.Evaluate(project) with { Path = Rel(project) };
            projects.Add(evaluated);
            languages.Add(project.EndsWith(".fsproj", StringComparison.OrdinalIgnoreCase) ? "F#" : "C#");
            packageManagers.Add("nuget");
            Add("dotnet", 3, ".NET project", project, $"targets {string.Join(", ", evaluated.TargetFrameworks)} (read by {evaluated.EvaluatedBy})");
            frameworks.UnionWith(evaluated.TargetFrameworks);
            if (evaluated.IsTestProject)
            {
                Add("dotnet", 1, "test project", project, $"{TestDescription(evaluated)}");
                if (evaluated.TestFramework is { } framework)
                {
                    testFrameworks.Add(framework);
                }
            }
        }

        // Python.
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            switch (name)
            {
                case "pyproject.toml":
                    var toml = File.ReadAllText(file);
                    Add("python", 4, "Python package", file, "pyproject.toml");
                    languages.Add("Python");
                    if (toml.Contains("[tool.poetry", StringComparison.Ordinal))
                    {
                        packageManagers.Add("poetry");
                    }

                    if (toml.Contains("[tool.pytest", StringComparison.Ordinal) || PytestDependency().IsMatch(toml))
                    {
                        testFrameworks.Add("pytest");
                        evidence.Add(new Evidence("pytest", Rel(file), "pytest configured or required in pyproject.toml"));
                    }

                    if (toml.Contains("[tool.ruff", StringComparison.Ordinal))
                    {
                        frameworks.Add("ruff");
                        evidence.Add(new Evidence("ruff", Rel(file), "[tool.ruff] in pyproject.toml"));
                    }

                    if (toml.Contains("[tool.mypy", StringComparison.Ordinal))
                    {
                        frameworks.Add("mypy");
                        evidence.Add(new Evidence("mypy", Rel(file), "[tool.mypy] in pyproject.toml"));
                    }

                    break;
                case "setup.py" or "setup.cfg":
                    Add("python", 2, "Python package", file, name);
                    languages.Add("Python");
                    break;
                case "pytest.ini" or "conftest.py":
                    Add("python", 1, "pytest", file, name);
                    testFrameworks.Add("pytest");
                    break;
                case "ruff.toml" or ".ruff.toml":
                    Add("python", 1, "ruff", file, name);
                    frameworks.Add("ruff");
                    break;
                case "mypy.ini":
                    Add("python", 1, "mypy", file, name);
                    frameworks.Add("mypy");
                    break;
                case "poetry.lock":
                    packageManagers.Add("poetry");
                    break;
                case "uv.lock":
                    packageManagers.Add("uv");
                    break;
                case "Pipfile":
                    packageManagers.Add("pipenv");
                    break;
                case var r when r.StartsWith("requirements", StringComparison.Ordinal) && r.EndsWith(".txt", StringComparison.Ordinal):
                    Add("python", 2, "Python requirements", file, name);
                    packageManagers.Add("pip");
                    languages.Add("Python");
                    if (PytestDependency().IsMatch(File.ReadAllText(file)))
                    {
                        testFrameworks.Add("pytest");
                        evidence.Add(new Evidence("pytest", Rel(file), $"pytest in {name}"));
                    }

                    break;
                case "package.json":
                    ReadPackageJson(file);
                    break;
                case "package-lock.json":
                    packageManagers.Add("npm");
                    break;
                case "yarn.lock":
                    packageManagers.Add("yarn");
                    break;
                case "pnpm-lock.yaml":
                    packageManagers.Add("pnpm");
                    break;
                case "dbt_project.yml":
                    Add("data", 6, "dbt project", file, name);
                    frameworks.Add("dbt");
                    break;
                case "mkdocs.yml" or "mkdocs.yaml":
                    Add("docs", 5, "mkdocs site", file, name);
                    frameworks.Add("mkdocs");
                    break;
                case "docfx.json":
                    Add("docs", 5, "docfx site", file, name);
                    frameworks.Add("docfx");
                    break;
                case "Chart.yaml":
                    Add("ops", 3, "Helm chart", file, name);
                    frameworks.Add("helm");
                    break;
                case "docker-compose.yml" or "docker-compose.yaml" or "compose.yaml":
                    Add("ops", 2, "Docker Compose", file, name);
                    break;
                case var d when d == "Dockerfile" || d.StartsWith("Dockerfile.", StringComparison.Ordinal):
                    Add("ops", 3, "Dockerfile", file, name);
                    frameworks.Add("docker");
                    break;
            }
        }

        foreach (var file in files)
        {
            if (CiSystem.Of(Rel(file)) is { } system)
            {
                ci.Add(system.Id);
                evidence.Add(new Evidence($"CI: {system.Name}", Rel(file), Path.GetFileName(file)));
            }
        }

        foreach (var ci1 in files.Where(f => Rel(f) == ".ci/run"))
        {
            ci.Add("script");
            evidence.Add(new Evidence("CI: script", Rel(ci1), ".ci/run"));
        }

        // File types: counted with caps, so one big folder cannot outvote a manifest.
        Count(files.Where(f => f.EndsWith(".py", StringComparison.OrdinalIgnoreCase)), "python", 1, 3, "Python source", "Python");
        Count(files.Where(f => f.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase)), "data", 2, 8, "Jupyter notebook", "Python");
        Count(files.Where(f => f.EndsWith(".sql", StringComparison.OrdinalIgnoreCase)), "data", 1, 4, "SQL", "SQL");
        Count(files.Where(f => f.EndsWith(".tf", StringComparison.OrdinalIgnoreCase)), "ops", 3, 9, "Terraform", "HCL");
        Count(files.Where(IsDocument).Where(f => !IsRootBoilerplate(root, f)), "docs", 1, 8, "documentation page", "Markdown");
        Count(files.Where(f => (f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)) && IsKubernetes(f)),
            "ops", 2, 6, "Kubernetes manifest", "YAML");
        if (files.Any(f => f.EndsWith(".ts", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".tsx", StringComparison.OrdinalIgnoreCase)))
        {
            languages.Add("TypeScript");
        }

        var total = signals.Values.Sum();
        var best = signals.OrderByDescending(s => s.Value).First();
        return new DiscoveryResult
        {
            ProjectRoot = root,
            ProjectName = Path.GetFileName(root),
            Domain = total == 0 ? "generic" : best.Key,
            DomainConfidence = total == 0 ? 0 : Math.Round((double)best.Value / total, 2),
            Languages = languages.ToList(),
            Frameworks = frameworks.ToList(),
            TestFrameworks = testFrameworks.ToList(),
            PackageManagers = packageManagers.ToList(),
            ExistingCi = ci.ToList(),
            Vcs = Directory.Exists(Path.Combine(root, ".git")) || File.Exists(Path.Combine(root, ".git")) ? "git" : null,
            DirectoryStructure = Structure(root, files, projects),
            DotnetProjects = projects,
            Signals = signals,
            PathDomains = PathDomains(root, files),
            Evidence = evidence,
            DiscoveryTimestamp = time.GetUtcNow(),
        };

        void Count(IEnumerable<string> matches, string domain, int points, int cap, string conclusion, string language)
        {
            var list = matches.ToList();
            if (list.Count == 0)
            {
                return;
            }

            languages.Add(language);
            signals[domain] += Math.Min(cap, list.Count * points);
            evidence.Add(new Evidence(conclusion, Rel(list[0]), $"{list.Count} file(s){(list.Count > 1 ? $", first {Rel(list[0])}" : "")}"));
        }

        void ReadPackageJson(string file)
        {
            Add("node", 4, "Node package", file, "package.json");
            languages.Add("JavaScript");
            try
            {
                using var json = JsonDocument.Parse(File.ReadAllText(file));
                var scripts = json.RootElement.TryGetProperty("scripts", out var s) && s.ValueKind == JsonValueKind.Object ? s.EnumerateObject().Select(p => p.Name).ToList() : [];
                if (scripts.Count > 0)
                {
                    evidence.Add(new Evidence("npm scripts", Rel(file), string.Join(", ", scripts)));
                }

                var dependencies = DependencyKeys
                    .SelectMany(k => json.RootElement.TryGetProperty(k, out var d) && d.ValueKind == JsonValueKind.Object ? d.EnumerateObject().Select(p => p.Name) : [])
                    .ToHashSet(StringComparer.Ordinal);
                foreach (var test in NodeTestFrameworks.Where(dependencies.Contains))
                {
                    testFrameworks.Add(test);
                    evidence.Add(new Evidence(test, Rel(file), $"{test} in package.json"));
                }

                foreach (var framework in NodeFrameworks.Where(dependencies.Contains))
                {
                    frameworks.Add(framework);
                }
            }
            catch (JsonException ex)
            {
                evidence.Add(new Evidence("unreadable package.json", Rel(file), ex.Message));
            }
        }
    }

    private static bool IsDocument(string file) =>
        file.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".rst", StringComparison.OrdinalIgnoreCase);

    private static bool IsRootBoilerplate(string root, string file) =>
        Path.GetDirectoryName(file) == root && Path.GetFileNameWithoutExtension(file).ToUpperInvariant() is "README" or "CHANGELOG" or "LICENSE" or "CONTRIBUTING" or "SECURITY" or "CODE_OF_CONDUCT";

    private static bool IsKubernetes(string file)
    {
        try
        {
            var head = string.Join('\n', File.ReadLines(file).Take(40));
            return KubernetesHead().IsMatch(head);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Top-level folders whose files point at another domain (a docs/ of Markdown in a .NET repository).</summary>
    private static Dictionary<string, string> PathDomains(string root, List<string> files)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in files.Where(f => Path.GetDirectoryName(f) != root)
                     .GroupBy(f => Path.GetRelativePath(root, f).Replace('\\', '/').Split('/')[0]))
        {
            var list = group.ToList();
            var documents = list.Count(IsDocument);
            var terraform = list.Count(f => f.EndsWith(".tf", StringComparison.OrdinalIgnoreCase));
            if (documents >= 2 && documents * 2 > list.Count)
            {
                result[group.Key + "/"] = "docs";
            }
            else if (terraform >= 1 && terraform * 2 >= list.Count)
            {
                result[group.Key + "/"] = "ops";
            }
        }

        return result;
    }

    private static Dictionary<string, IReadOnlyList<string>> Structure(string root, List<string> files, List<DotnetProject> projects)
    {
        string Top(string f) => Path.GetRelativePath(root, f).Replace('\\', '/').Split('/')[0] + "/";
        bool Nested(string f) => Path.GetDirectoryName(f) != root;
        var tests = projects.Where(p => p.IsTestProject).Select(p => p.Path.Split('/')[0] + "/")
            .Concat(files.Where(f => Nested(f) && (Path.GetFileName(f).StartsWith("test_", StringComparison.Ordinal) || f.EndsWith(".test.js", StringComparison.Ordinal)
                || f.EndsWith(".test.ts", StringComparison.Ordinal))).Select(Top))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        return new Dictionary<string, IReadOnlyList<string>>
        {
            ["src_dirs"] = files.Where(f => Nested(f) && CodeExtensions.Contains(Path.GetExtension(f))).Select(Top).Distinct().Except(tests).Order(StringComparer.Ordinal).ToList(),
            ["test_dirs"] = tests,
            ["doc_dirs"] = PathDomains(root, files).Where(p => p.Value == "docs").Select(p => p.Key).Order(StringComparer.Ordinal).ToList(),
            ["script_dirs"] = files.Where(f => Nested(f) && (f.EndsWith(".sh", StringComparison.Ordinal) || f.EndsWith(".ps1", StringComparison.Ordinal))).Select(Top)
                .Distinct().Order(StringComparer.Ordinal).ToList(),
        };
    }

    private static string TestDescription(DotnetProject project) =>
        string.Join(", ", new[]
        {
            project.TestPlatform == TestPlatform.VSTest ? "VSTest" : "Microsoft.Testing.Platform",
            project.TestFramework,
            project.TestPlatform == TestPlatform.TestingPlatform ? project.TrxReport ? "TRX extension" : "no TRX extension" : null,
        }.Where(p => p is not null));

    [GeneratedRegex(@"(?m)^\s*pytest\b|[""']pytest")]
    private static partial Regex PytestDependency();

    [GeneratedRegex(@"(?m)^apiVersion:\s*\S+[\s\S]*^kind:\s*\S+")]
    private static partial Regex KubernetesHead();
}
