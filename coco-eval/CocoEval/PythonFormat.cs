using System.Globalization;
using System.Numerics;

namespace CocoEval;

/// <summary>
/// Python's <c>'{:.Nf}'.format(x)</c>: the exact binary value rounded half to even. .NET rounds exact ties away from
/// zero (0.5625 -> "0.563" where Python prints "0.562"), so the summary would not diff clean without this.
/// </summary>
public static class PythonFormat
{
    public static string Fixed(double value, int decimals)
    {
        if (!double.IsFinite(value))
            return value.ToString(CultureInfo.InvariantCulture).ToLowerInvariant();
        long bits = BitConverter.DoubleToInt64Bits(value);
        bool negative = bits < 0;
        int exponent = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xFFFFFFFFFFFFFL;
        BigInteger mantissa = exponent == 0 ? fraction : fraction | (1L << 52);
        int power = (exponent == 0 ? 1 : exponent) - 1075; // value = mantissa * 2^power

        // scaled = value * 10^decimals as the exact fraction numerator / denominator.
        BigInteger numerator = mantissa * BigInteger.Pow(10, decimals);
        BigInteger denominator = BigInteger.One;
        if (power >= 0) numerator <<= power;
        else denominator <<= -power;
        var quotient = BigInteger.DivRem(numerator, denominator, out var remainder);
        int half = (remainder * 2).CompareTo(denominator);
        if (half > 0 || (half == 0 && !quotient.IsEven))
            quotient += 1;

        string digits = quotient.ToString(CultureInfo.InvariantCulture).PadLeft(decimals + 1, '0');
        string text = decimals == 0 ? digits : $"{digits[..^decimals]}.{digits[^decimals..]}";
        return negative ? "-" + text : text;
    }
}
