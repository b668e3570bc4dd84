"""ParNet in PyTorch with the official code's module layout, so its state_dict keys are the official checkpoint keys
(imankgoyal/NonDeepNetworks, timm `simplenet_repvgg`, release v.0.1.0). Written for this project from a reading of
that code; used as the reference for numerics and speed, never by the C# code.

Differences from the official code, none of which changes a key or an even-sized result:
- the 2x2 average pool uses ceil_mode with divisor 4, so odd sizes work (the official code fails on them) and
  match the 3x3 stride-2 conv's zero padding, as in the C# model;
- `fuse()` produces the same fused form as the C# model: one 3x3 conv + bias per block, the SSE block's identity BN
  folded into a per-channel affine, gates kept;
- `forward_features(x, channels_last=True)` runs the activations NHWC as the C# model does by default; the channel
  interleave and shuffle are written on the NHWC view in both layouts (same result as the official reshapes).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

# Widths (stem, p1, p2, p3, p4) of the C# registry's variants (Backbone/ParNetVariants.cs).
VARIANTS = {
    "parnet-n": (16, 32, 64, 128, 256),
    "parnet-t": (32, 64, 128, 256, 512),
    "parnet-s": (64, 92, 192, 384, 1280),
    "parnet-s96": (64, 96, 192, 384, 1280),
    "parnet-m": (64, 128, 256, 512, 2048),
    "parnet-l": (64, 160, 320, 640, 2560),
    "parnet-xl": (64, 200, 400, 800, 3200),
}


def conv_bn(cin, cout, k, stride, groups):
    seq = nn.Sequential()
    seq.add_module("conv", nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False))
    seq.add_module("bn", nn.BatchNorm2d(cout))
    return seq


def fold(branch):
    """(weight, bias) of a conv_bn with its BN folded in."""
    conv, bn = branch.conv, branch.bn
    scale = bn.weight / (bn.running_var + bn.eps).sqrt()
    return conv.weight * scale.reshape(-1, 1, 1, 1), bn.bias - bn.running_mean * scale


class GateConv(nn.Module):  # official ConvSig: keys cvsig.conv.weight
    def __init__(self, cin, cout, groups):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 1, groups=groups, bias=False)

    def forward(self, x):
        return torch.sigmoid(self.conv(x))


class Gate(nn.Module):  # official SE1: GAP -> 1x1 conv -> sigmoid (x2 for downsampling blocks)
    def __init__(self, cin, cout, groups, doubled):
        super().__init__()
        self.cvsig = GateConv(cin, cout, groups)
        self.doubled = doubled

    def forward(self, x):
        g = self.cvsig(F.adaptive_avg_pool2d(x, 1))
        return 2 * g if self.doubled else g


class Pool2x2(nn.Module):
    def forward(self, x):
        return F.avg_pool2d(x, 2, 2, ceil_mode=True, divisor_override=4)


class RepBlock(nn.Module):
    """Official RepVGGBlock as ParNet uses it: RepVGG-SSE (stride 1, C -> C) or downsampling type."""

    def __init__(self, cin, cout, stride, groups, act):
        super().__init__()
        self.stride, self.groups, self.act = stride, groups, act
        self.sse = cin == cout and stride == 1
        self.rbr_identity = nn.BatchNorm2d(cin) if self.sse else None
        self.rbr_dense = conv_bn(cin, cout, 3, stride, groups)
        self.rbr_1x1 = nn.Sequential(Pool2x2(), conv_bn(cin, cout, 1, 1, groups)) if stride == 2 \
            else conv_bn(cin, cout, 1, 1, groups)
        self.se = Gate(cin, cout, groups, doubled=not self.sse)
        self.fused = False

    def forward(self, x):
        if self.fused:
            y = self.reparam(x)
            if self.sse:
                s, t = self.sse_scale.reshape(1, -1, 1, 1), self.sse_shift.reshape(1, -1, 1, 1)
                g = torch.sigmoid(self.se.cvsig.conv(F.adaptive_avg_pool2d(x, 1) * s + t))
                y = y + x * (s * g) + t * g
            else:
                y = y * self.se(x)
        else:
            y = self.rbr_dense(x) + self.rbr_1x1(x)
            if self.sse:
                u = self.rbr_identity(x)
                y = y + u * self.se(u)
            else:
                y = y * self.se(x)
        y = self.act(y)
        if self.groups > 1:  # channel shuffle, on the NHWC view like the C# model
            n, c, h, w = y.shape
            y = to_layout(y.permute(0, 2, 3, 1).reshape(n, h, w, self.groups, c // self.groups).transpose(3, 4)
                          .reshape(n, h, w, c), channels_last=y.is_contiguous(memory_format=torch.channels_last))
        return y

    @torch.no_grad()
    def fuse(self):
        if self.fused:
            return
        w3, b3 = fold(self.rbr_dense)
        if self.stride == 2:
            w1, b1 = fold(self.rbr_1x1[1])
            w1 = F.pad((w1 / 4).expand(-1, -1, 2, 2), [1, 0, 1, 0])
        else:
            w1, b1 = fold(self.rbr_1x1)
            w1 = F.pad(w1, [1, 1, 1, 1])
        conv = self.rbr_dense.conv
        self.reparam = nn.Conv2d(conv.in_channels, conv.out_channels, 3, self.stride, 1, groups=self.groups)
        self.reparam.weight.copy_(w3 + w1)
        self.reparam.bias.copy_(b3 + b1)
        if self.sse:
            bn = self.rbr_identity
            scale = bn.weight / (bn.running_var + bn.eps).sqrt()
            self.sse_scale = nn.Parameter(scale)
            self.sse_shift = nn.Parameter(bn.bias - bn.running_mean * scale)
        del self.rbr_dense, self.rbr_1x1, self.rbr_identity
        self.fused = True


class Unit(nn.Module):  # official RepVGGOur: keys <unit>.block.*
    def __init__(self, cin, cout, stride, act, groups=1):
        super().__init__()
        self.block = RepBlock(cin, cout, stride, groups, act)

    def forward(self, x):
        return self.block(x)


class MultiBatchNorm2d(nn.Module):  # keys b1.*, b2.*
    def __init__(self, c):
        super().__init__()
        self.b1, self.b2 = nn.BatchNorm2d(c), nn.BatchNorm2d(c)

    def forward(self, pair):
        return self.b1(pair[0]), self.b2(pair[1])


def to_layout(nhwc, channels_last):
    """(N, H, W, C) -> (N, C, H, W), channels-last or contiguous NCHW."""
    view = nhwc.contiguous().permute(0, 3, 1, 2)
    return view if channels_last else view.contiguous()


class Interleave(nn.Module):  # official Concat2d(shuffle=True): channels a0, b0, a1, b1, ...
    def forward(self, pair):
        a, b = pair
        stacked = torch.stack([a.permute(0, 2, 3, 1), b.permute(0, 2, 3, 1)], 4).flatten(3, 4)
        return to_layout(stacked, channels_last=a.is_contiguous(memory_format=torch.channels_last))


class Head(nn.Module):  # timm ClassifierHead: keys fc.*
    def __init__(self, c, classes, dropout):
        super().__init__()
        self.fc = nn.Linear(c, classes)
        self.dropout = dropout

    def forward(self, x):
        x = F.dropout(F.adaptive_avg_pool2d(x, 1).flatten(1), self.dropout, self.training)
        return self.fc(x)


class ParNet(nn.Module):
    def __init__(self, widths, activation="silu", num_classes=1000, dropout=0.0):
        super().__init__()
        stem, p1, p2, p3, p4 = widths
        act = nn.SiLU() if activation == "silu" else nn.ReLU()
        self.inits = nn.ModuleList([
            nn.Sequential(Unit(3, stem, 2, act), Unit(stem, p1, 2, act)),
            Unit(p1, p2, 2, act),
            Unit(p2, p3, 2, act),
        ])
        self.streams = nn.ModuleList([
            nn.Sequential(*[Unit(c, c, 1, act) for _ in range(n)]) for c, n in ((p1, 4), (p2, 5), (p3, 5))
        ])
        self.downsamples_2 = nn.ModuleList([
            Unit(p1, p2, 2, act),
            nn.Sequential(MultiBatchNorm2d(p2), Interleave(), Unit(2 * p2, p3, 2, act, groups=2)),
        ])
        self.combine = nn.Sequential(
            MultiBatchNorm2d(p3), Interleave(), Unit(2 * p3, p3, 1, act, groups=2), Unit(p3, p4, 2, act))
        self.head = Head(p4, num_classes, dropout) if num_classes else None

    def forward_features(self, x, channels_last=False):
        """Taps P3, P4, P5; channels_last runs the activations NHWC and returns the taps so, as the C# model does."""
        if channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        x4 = self.inits[0](x)
        x8 = self.inits[1](x4)
        x16 = self.inits[2](x8)
        s1, p3, s3 = self.streams[0](x4), self.streams[1](x8), self.streams[2](x16)
        merged = self.downsamples_2[1]((p3, self.downsamples_2[0](s1)))
        p4 = self.combine[:3]((s3, merged))
        p5 = self.combine[3](p4)
        return p3, p4, p5

    def forward(self, x):
        p5 = self.forward_features(x)[2]
        return self.head(p5) if self.head is not None else p5

    def fuse(self):
        for m in self.modules():
            if isinstance(m, RepBlock):
                m.fuse()
        return self


@torch.no_grad()
def randomize_batchnorms(model, generator):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c, generator=generator) * 0.2)
            m.running_var.copy_(torch.rand(c, generator=generator) + 0.5)
            m.weight.copy_(torch.rand(c, generator=generator) + 0.5)
            m.bias.copy_(torch.randn(c, generator=generator) * 0.2)
