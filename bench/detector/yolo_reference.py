"""The detector of DetectionHead/ in PyTorch: ParNet (bench/backbone/parnet_reference.py) + the YOLOv4-CSP neck and
anchor head + the loss and target assignment, written for this project to mirror the C# modules one to one
(CspPan, CspBlock, CspSpp, CspJoin, ConvBnAct, YoloHead, TargetAssigner, YoloLoss). Used only as the reference for
the training-step speed comparison; never by the C# code.
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "backbone"))
from parnet_reference import ParNet, VARIANTS  # noqa: E402

ANCHORS = [[(12, 16), (19, 36), (40, 28)], [(36, 75), (76, 55), (72, 146)], [(142, 110), (192, 243), (459, 401)]]
STRIDES = [8, 16, 32]
# DetectionHead/DetectorVariants.cs: neck width w and CSP depth per backbone.
NECK = {"parnet-n": (32, 1), "parnet-t": (64, 1)}


class ConvBnAct(nn.Module):
    def __init__(self, cin, cout, k=1, s=1, act=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, s, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = act

    def forward(self, x):
        y = self.bn(self.conv(x))
        return F.silu(y) if self.act else y


class CspJoin(nn.Module):
    def __init__(self, c_main, c_short_in, cout):
        super().__init__()
        self.main_bn = nn.BatchNorm2d(c_main)
        self.shortcut = ConvBnAct(c_short_in, c_main, 1, act=False)
        self.output = ConvBnAct(2 * c_main, cout, 1)

    def forward(self, main, short_in):
        return self.output(F.silu(torch.cat([self.main_bn(main), self.shortcut(short_in)], 1)))


class CspBlock(nn.Module):
    def __init__(self, cin, cout, depth):
        super().__init__()
        self.input = ConvBnAct(cin, cout, 1)
        layers = []
        for _ in range(depth):
            layers += [ConvBnAct(cout, cout, 1), ConvBnAct(cout, cout, 3)]
        self.bottlenecks = nn.Sequential(*layers)
        self.join = CspJoin(cout, cout, cout)

    def forward(self, x):
        x1 = self.input(x)
        return self.join(self.bottlenecks(x1), x1)


class CspSpp(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        c = cout
        self.reduce1, self.spatial1, self.reduce2 = ConvBnAct(cin, c, 1), ConvBnAct(c, c, 3), ConvBnAct(c, c, 1)
        self.mix, self.spatial2 = ConvBnAct(4 * c, c, 1), ConvBnAct(c, c, 3)
        self.join = CspJoin(c, cin, cout)

    def forward(self, x):
        x1 = self.reduce2(self.spatial1(self.reduce1(x)))
        pooled = [F.max_pool2d(x1, k, 1, k // 2) for k in (5, 9, 13)]
        return self.join(self.spatial2(self.mix(torch.cat([x1] + pooled, 1))), x)


class CspPan(nn.Module):
    def __init__(self, c3, c4, c5, w, depth):
        super().__init__()
        self.spp = CspSpp(c5, 4 * w)
        self.reduce5, self.lateral4 = ConvBnAct(4 * w, 2 * w), ConvBnAct(c4, 2 * w)
        self.topdown4 = CspBlock(4 * w, 2 * w, depth)
        self.reduce4, self.lateral3 = ConvBnAct(2 * w, w), ConvBnAct(c3, w)
        self.topdown3 = CspBlock(2 * w, w, depth)
        self.down3, self.bottomup4 = ConvBnAct(w, 2 * w, 3, 2), CspBlock(4 * w, 2 * w, depth)
        self.down4, self.bottomup5 = ConvBnAct(2 * w, 4 * w, 3, 2), CspBlock(8 * w, 4 * w, depth)
        self.out3, self.out4, self.out5 = ConvBnAct(w, 2 * w, 3), ConvBnAct(2 * w, 4 * w, 3), ConvBnAct(4 * w, 8 * w, 3)
        self.channels = [2 * w, 4 * w, 8 * w]

    def forward(self, p3, p4, p5):
        up = lambda t: F.interpolate(t, scale_factor=2, mode="nearest")  # noqa: E731
        p5 = self.spp(p5)
        n4 = self.topdown4(torch.cat([self.lateral4(p4), up(self.reduce5(p5))], 1))
        n3 = self.topdown3(torch.cat([self.lateral3(p3), up(self.reduce4(n4))], 1))
        m4 = self.bottomup4(torch.cat([self.down3(n3), n4], 1))
        m5 = self.bottomup5(torch.cat([self.down4(m4), p5], 1))
        return self.out3(n3), self.out4(m4), self.out5(m5)


class YoloDetector(nn.Module):
    def __init__(self, name, nc):
        super().__init__()
        backbone = name[: -len("-yolo")]
        widths = VARIANTS[backbone]
        w, depth = NECK.get(backbone, (128, 2))
        self.backbone = ParNet(widths, num_classes=0)
        self.neck = CspPan(widths[2], widths[3], widths[4], w, depth)
        self.nc, self.no = nc, 5 + nc
        self.predict = nn.ModuleList(nn.Conv2d(c, 3 * self.no, 1) for c in self.neck.channels)
        with torch.no_grad():
            for conv, s in zip(self.predict, STRIDES):
                b = conv.bias.view(3, self.no)
                b[:, 4] += math.log(8 / (640 / s) ** 2)
                b[:, 5:] += math.log(0.6 / (nc - 0.99))

    def forward(self, x):
        outs = []
        for conv, f in zip(self.predict, self.neck(*self.backbone.forward_features(x))):
            y = conv(f)
            n, _, h, w = y.shape
            outs.append(y.view(n, 3, self.no, h, w).permute(0, 1, 3, 4, 2).contiguous())
        return outs


def ciou(p, t, eps=1e-7):
    (px, py, pw, ph), (tx, ty, tw, th) = p.unbind(-1), t.unbind(-1)
    iw = (torch.min(px + pw / 2, tx + tw / 2) - torch.max(px - pw / 2, tx - tw / 2)).clamp(0)
    ih = (torch.min(py + ph / 2, ty + th / 2) - torch.max(py - ph / 2, ty - th / 2)).clamp(0)
    inter = iw * ih
    iou = inter / (pw * ph + tw * th - inter + eps)
    cw = torch.max(px + pw / 2, tx + tw / 2) - torch.min(px - pw / 2, tx - tw / 2)
    ch = torch.max(py + ph / 2, ty + th / 2) - torch.min(py - ph / 2, ty - th / 2)
    c2 = cw ** 2 + ch ** 2 + eps
    rho2 = (px - tx) ** 2 + (py - ty) ** 2
    v = 4 / math.pi ** 2 * (torch.atan(tw / (th + eps)) - torch.atan(pw / (ph + eps))) ** 2
    with torch.no_grad():
        alpha = v / (v - iou + 1 + eps)
    return iou - (rho2 / c2 + v * alpha)


def assign(targets, grids, device):
    na, nt = 3, targets.shape[0]
    ai = torch.arange(na, device=device).float().view(na, 1).expand(na, nt)
    all_t = torch.cat([targets.unsqueeze(0).expand(na, nt, 6), ai.unsqueeze(2)], 2)
    off = torch.tensor([[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]], device=device).float() * 0.5
    out = []
    for level, (h, w) in enumerate(grids):
        anchors = torch.tensor(ANCHORS[level], device=device).float() / STRIDES[level]
        t = all_t * torch.tensor([1, 1, w, h, w, h, 1], device=device).float()
        r = t[..., 4:6] / anchors.unsqueeze(1)
        t = t[torch.max(r, 1 / r).amax(2) < 4.0]
        gxy = t[:, 2:4]
        gxi = torch.tensor([w, h], device=device).float() - gxy
        lo = ((gxy % 1) < 0.5) & (gxy > 1)
        hi = ((gxi % 1) < 0.5) & (gxi > 1)
        use = torch.stack([torch.ones_like(lo[:, 0]), lo[:, 0], lo[:, 1], hi[:, 0], hi[:, 1]])
        cells = t.unsqueeze(0).expand(5, -1, 7)[use]
        offs = off.unsqueeze(1).expand(5, t.shape[0], 2)[use]
        centre = cells[:, 2:4]
        ij = (centre - offs).floor()
        a = cells[:, 6].long()
        out.append((cells[:, 0].long(), a, ij[:, 1].clamp(0, h - 1).long(), ij[:, 0].clamp(0, w - 1).long(),
                    torch.cat([centre - ij, cells[:, 4:6]], 1), anchors[a], cells[:, 1].long()))
    return out


def yolo_loss(levels, targets, nc):
    device = levels[0].device
    box = torch.zeros(1, device=device)
    obj = torch.zeros(1, device=device)
    cls = torch.zeros(1, device=device)
    for p, (b, a, gj, gi, tbox, anch, tcls), weight in zip(levels, assign(targets, [x.shape[2:4] for x in levels], device), (4.0, 1.0, 0.4)):
        tobj = torch.zeros(p.shape[:4], device=device)
        if b.shape[0]:
            ps = p[b, a, gj, gi]
            pbox = torch.cat([ps[:, :2].sigmoid() * 2 - 0.5, (ps[:, 2:4].sigmoid() * 2) ** 2 * anch], 1)
            iou = ciou(pbox, tbox)
            box += (1 - iou).mean()
            tobj[b, a, gj, gi] = iou.detach().clamp(0)
            if nc > 1:
                cls += F.binary_cross_entropy_with_logits(ps[:, 5:], F.one_hot(tcls, nc).float())
        obj += F.binary_cross_entropy_with_logits(p[..., 4], tobj) * weight
    return (box * 0.05 + obj * 0.7 + cls * 0.3) * levels[0].shape[0]


def parameter_groups(model):
    bn = {id(m.weight) for m in model.modules() if isinstance(m, nn.BatchNorm2d)}
    decay, norm, bias = [], [], []
    for name, p in model.named_parameters():
        (bias if name.endswith(".bias") else norm if id(p) in bn else decay).append(p)
    return decay, norm, bias
