using System.Reflection;
using System.Reflection.Emit;
using ParNetDetect.Service.Hosting;

namespace ParNetDetect.Service.Tests;

/// <summary>
/// Inside the Service assembly the namespaces (one per folder) depend on each other one way only, along a frame's
/// way: two namespaces that use each other are one component in all but name. Read from the compiled assembly, so a
/// fully qualified name or a relative one (<c>Configuration.ServiceOptions</c>) counts as much as a using: every
/// type's signatures and the types its method bodies touch (constants, inlined by the compiler, are not seen).
/// </summary>
public class NamespaceDependencyTests
{
    const string Root = "ParNetDetect.Service";

    [Fact]
    public void ServiceNamespacesHaveNoCycles()
    {
        var uses = new Dictionary<(string From, string To), string>(); // one example per edge: "A uses B"
        foreach (var type in typeof(ServiceHost).Assembly.GetTypes())
        {
            if (Component(type) is not { } from) continue;
            foreach (var used in UsedTypes(type))
                if (Component(used) is { } to && to != from)
                    uses.TryAdd((from, to), $"{Outermost(type).Name} uses {Outermost(used).Name}");
        }
        var cycles = Cycles(uses.Keys.ToList());
        // Each group of namespaces that reach each other, with every use inside it: one of them has to go.
        Assert.True(cycles.Count == 0, "namespace cycles in Service:" + string.Concat(cycles.Select(cycle =>
            $"\n  {string.Join(", ", cycle.Order())}:" + string.Concat(uses
                .Where(u => cycle.Contains(u.Key.From) && cycle.Contains(u.Key.To))
                .Select(u => $"\n    {u.Key.From} -> {u.Key.To} ({u.Value})")))));
    }

    /// <summary>The folder of a type of the Service assembly (Cameras, Pipeline, ...); null for anything else.</summary>
    static string? Component(Type type)
    {
        string? ns = type.Namespace;
        if (ns == null || !(ns == Root || ns.StartsWith(Root + ".", StringComparison.Ordinal))) return null;
        if (type.Assembly != typeof(ServiceHost).Assembly) return null;
        return ns == Root ? "(root)" : ns[(Root.Length + 1)..].Split('.')[0];
    }

    static Type Outermost(Type type) => type.DeclaringType is { } outer ? Outermost(outer) : type;

    const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                  BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>The types in <paramref name="type"/>'s signatures and method bodies, generic arguments unwrapped.</summary>
    static IEnumerable<Type> UsedTypes(Type type)
    {
        var direct = new List<Type?> { type.BaseType };
        direct.AddRange(type.GetInterfaces());
        direct.AddRange(type.GetFields(Declared).Select(f => f.FieldType));
        direct.AddRange(type.GetProperties(Declared).Select(p => p.PropertyType));
        direct.AddRange(type.GetEvents(Declared).Select(e => e.EventHandlerType));
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo m) direct.Add(m.ReturnType);
            direct.AddRange(method.GetParameters().Select(p => p.ParameterType));
            direct.AddRange(BodyTypes(method));
        }
        return direct.OfType<Type>().SelectMany(Unwrap);
    }

    static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType) return Unwrap(type.GetElementType()!);
        if (!type.IsGenericType || type.IsGenericTypeDefinition) return [type];
        return type.GetGenericArguments().SelectMany(Unwrap).Prepend(type.GetGenericTypeDefinition());
    }

    static readonly OpCode[] OneByte = new OpCode[0x100], TwoByte = new OpCode[0x100];

    static NamespaceDependencyTests()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            ushort value = (ushort)op.Value;
            if (value < 0x100) OneByte[value] = op;
            else if ((value & 0xff00) == 0xfe00) TwoByte[value & 0xff] = op;
        }
    }

    /// <summary>The local variables' types and the types the IL refers to (calls, fields, new objects, casts).</summary>
    static IEnumerable<Type> BodyTypes(MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body == null) yield break;
        foreach (var local in body.LocalVariables) yield return local.LocalType;
        byte[] il = body.GetILAsByteArray() ?? [];
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            var op = il[i] == 0xfe ? TwoByte[il[i + 1]] : OneByte[il[i]];
            if (op.Size == 0) throw new InvalidOperationException($"unknown IL opcode 0x{il[i]:x2} in {method.DeclaringType}.{method.Name}");
            i += op.Size;
            int operand = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType)
            {
                MemberInfo? member = null;
                try { member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs); }
                catch (ArgumentException) { } // a token this context cannot resolve (e.g. a vararg signature)
                switch (member)
                {
                    case Type used: yield return used; break;
                    case FieldInfo f: yield return f.DeclaringType!; yield return f.FieldType; break;
                    case MethodInfo m:
                        yield return m.DeclaringType!;
                        yield return m.ReturnType;
                        foreach (var a in m.IsGenericMethod ? m.GetGenericArguments() : []) yield return a;
                        break;
                    case ConstructorInfo c: yield return c.DeclaringType!; break;
                }
            }
            i += operand;
        }
    }

    /// <summary>The groups of namespaces that reach each other (strongly connected, more than one).</summary>
    static List<HashSet<string>> Cycles(List<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        HashSet<string> Reachable(string start)
        {
            var seen = new HashSet<string>();
            var stack = new Stack<string>([start]);
            while (stack.TryPop(out string? n))
                foreach (string m in next.GetValueOrDefault(n) ?? [])
                    if (seen.Add(m)) stack.Push(m);
            return seen;
        }
        var reach = edges.SelectMany(e => new[] { e.From, e.To }).Distinct().ToDictionary(n => n, Reachable);
        return reach.Keys.Select(n => reach.Keys.Where(m => m == n || (reach[n].Contains(m) && reach[m].Contains(n))).ToHashSet())
            .Where(group => group.Count > 1).DistinctBy(group => string.Join(",", group.Order())).ToList();
    }
}
