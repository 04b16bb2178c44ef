using Orch.Abstractions.Adapters;

namespace Orch.Core.Costs;

/// <summary>
/// Turns tokens into dollars for tools that report only tokens (Codex). Model names match exactly or by the
/// longest prefix, so dated names (<c>claude-sonnet-4-5-20250929</c>) find their family. The built-in prices are
/// list prices at the time of writing; set <c>prices:</c> in <c>.orch/orch.yaml</c> for yours.
/// </summary>
public sealed class PriceTable
{
    private readonly Dictionary<string, ModelPrice> _prices;

    public PriceTable(IReadOnlyDictionary<string, ModelPrice> prices)
    {
        _prices = new Dictionary<string, ModelPrice>(prices, StringComparer.OrdinalIgnoreCase);
    }

    public static PriceTable Default { get; } = new(new Dictionary<string, ModelPrice>
    {
        ["gpt-5"] = new(1.25m, 0.125m, 10m),
        ["gpt-5-codex"] = new(1.25m, 0.125m, 10m),
        ["gpt-5-mini"] = new(0.25m, 0.025m, 2m),
        ["gpt-4.1"] = new(2m, 0.5m, 8m),
        ["o4-mini"] = new(1.1m, 0.275m, 4.4m),
        ["claude-sonnet-4"] = new(3m, 0.3m, 15m),
        ["claude-opus-4"] = new(15m, 1.5m, 75m),
        ["claude-haiku-4"] = new(1m, 0.1m, 5m),
    });

    public IReadOnlyDictionary<string, ModelPrice> Prices => _prices;

    /// <summary>A copy with <paramref name="overrides"/> winning over the prices here.</summary>
    public PriceTable With(IReadOnlyDictionary<string, ModelPrice> overrides)
    {
        var merged = new Dictionary<string, ModelPrice>(_prices, StringComparer.OrdinalIgnoreCase);
        foreach (var (model, price) in overrides)
        {
            merged[model] = price;
        }

        return new PriceTable(merged);
    }

    public ModelPrice? Find(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return null;
        }

        if (_prices.TryGetValue(model, out var exact))
        {
            return exact;
        }

        return _prices.Where(p => model.StartsWith(p.Key, StringComparison.OrdinalIgnoreCase)).OrderByDescending(p => p.Key.Length)
            .Select(p => p.Value).FirstOrDefault();
    }

    /// <summary>The cost of <paramref name="usage"/>, or <see langword="null"/> when the model has no price.</summary>
    public decimal? Estimate(TokenUsage usage)
    {
        if (Find(usage.Model) is not { } price)
        {
            return null;
        }

        var fresh = Math.Max(0, usage.InputTokens - usage.CachedTokens);
        return Math.Round((fresh * price.InputPerMillion + usage.CachedTokens * price.CachedInputPerMillion + usage.OutputTokens * price.OutputPerMillion) / 1_000_000m, 6);
    }
}
