using Microsoft.VisualStudio.TestTools.UnitTesting;

[assembly: Parallelize(Scope = ExecutionScope.MethodLevel)]

namespace Calc.Tests;

[TestClass]
public sealed class CalculatorTests
{
    [TestMethod]
    public void Add_TwoAndThree_IsFive() => Assert.AreEqual(5, Calculator.Add(2, 3));

    [TestMethod]
    public void Subtract_FiveAndThree_IsTwo() => Assert.AreEqual(2, Calculator.Subtract(5, 3));

    [TestMethod]
    public void Average_OfTwoAndFour_IsThree() => Assert.AreEqual(3, Calculator.Average([2, 4]));
}
