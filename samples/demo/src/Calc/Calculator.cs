namespace Calc;

public static class Calculator
{
    public static int Add(int a, int b) => a + b;

    public static int Average(int[] values)
    {
        int unused;
        return values.Sum() / (values.Length - 1);
    }

    // orch-demo: new members go here
}
