using TorchSharp;
using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead;

/// <summary>The positives of one level: which prediction (image, anchor, row, column) learns which box and class.</summary>
/// <param name="Image">(P) image index in the batch.</param>
/// <param name="Anchor">(P) anchor index within the level.</param>
/// <param name="Row">(P) grid row (gj).</param>
/// <param name="Column">(P) grid column (gi).</param>
/// <param name="Box">(P, 4) target x, y relative to the cell's corner (in (-0.5, 1.5)), w, h; grid units.</param>
/// <param name="AnchorSize">(P, 2) the matched anchor's w, h in grid units.</param>
/// <param name="Class">(P) class index.</param>
public sealed record LevelTargets(Tensor Image, Tensor Anchor, Tensor Row, Tensor Column, Tensor Box,
    Tensor AnchorSize, Tensor Class) : IDisposable
{
    public long Count => Image.shape[0];

    public void Dispose()
    {
        foreach (var t in new[] { Image, Anchor, Row, Column, Box, AnchorSize, Class }) t.Dispose();
    }
}

/// <summary>
/// Scaled-YOLOv4 target assignment. Per level, ground truths are scaled to grid units and matched to every anchor
/// whose width and height ratios r = gt/anchor satisfy max(r, 1/r) &lt; <see cref="AnchorRatio"/> (a box may match
/// several anchors and levels). Each match is assigned to the cell holding the box centre plus the nearest
/// horizontal and the nearest vertical neighbour (x fraction &lt; 0.5 -> left, &gt; 0.5 -> right; same for y),
/// giving up to 3 cells per anchor; the decoded xy range (-0.5, 1.5) covers the centre from any of them.
/// </summary>
public sealed class TargetAssigner(Anchors anchors, float anchorRatio = 4.0f)
{
    public Anchors Anchors { get; } = anchors;
    public float AnchorRatio { get; } = anchorRatio;

    // Cell offsets tried per match: centre, left, up, right, down (scaled by 0.5 below).
    static readonly float[] NeighbourOffsets = [0, 0, 1, 0, 0, 1, -1, 0, 0, -1];

    /// <summary>
    /// targets: (M, 6) rows [image, class, cx, cy, w, h], box normalized to [0, 1] of the input;
    /// gridSizes: (H, W) of each level. Returns one <see cref="LevelTargets"/> per level.
    /// </summary>
    public LevelTargets[] Assign(Tensor targets, IReadOnlyList<(long H, long W)> gridSizes)
    {
        if (targets.dim() != 2 || targets.shape[1] != 6)
            throw new ArgumentException($"targets must be (M, 6); got ({string.Join(", ", targets.shape)}).");
        if (gridSizes.Count != Anchors.Levels)
            throw new ArgumentException($"{gridSizes.Count} grids for {Anchors.Levels} anchor levels.");
        var device = targets.device;
        int na = Anchors.PerLevel;
        long nt = targets.shape[0];
        var result = new LevelTargets[Anchors.Levels];
        using var scope = NewDisposeScope();

        // (A, M, 7): every target once per anchor, the anchor index appended.
        var anchorIndex = arange(na, device: device).to(float32).view(na, 1).expand(na, nt);
        var all = cat([targets.to(float32).unsqueeze(0).expand(na, nt, 6), anchorIndex.unsqueeze(2)], 2);
        var offsets = tensor(NeighbourOffsets, [5, 2], device: device) * 0.5f;

        for (int level = 0; level < Anchors.Levels; level++)
        {
            var (h, w) = gridSizes[level];
            var anchorGrid = Anchors.GridTensor(level, device);                      // (A, 2)
            var gain = tensor(new float[] { 1, 1, w, h, w, h, 1 }, device: device);
            var t = all * gain;                                                     // (A, M, 7) grid units

            // Anchor match by shape: both ratios within [1/r, r].
            var ratio = t[.., .., 4..6] / anchorGrid.unsqueeze(1);                 // (A, M, 2)
            var match = maximum(ratio, ratio.reciprocal()).amax(2) < AnchorRatio;  // (A, M)
            t = t[match];                                                           // (P, 7)

            // Neighbour cells: the centre, plus one horizontal and one vertical neighbour not outside the grid.
            var gxy = t[.., 2..4];
            var gxyInverse = tensor(new float[] { w, h }, device: device) - gxy;
            var nearLow = (gxy.remainder(1) < 0.5f).logical_and(gxy > 1);          // left / up
            var nearHigh = (gxyInverse.remainder(1) < 0.5f).logical_and(gxyInverse > 1); // right / down
            var use = stack([ones_like(nearLow[.., 0]), nearLow[.., 0], nearLow[.., 1], nearHigh[.., 0], nearHigh[.., 1]]); // (5, P)
            var cells = t.unsqueeze(0).expand(5, t.shape[0], 7)[use];              // (Q, 7)
            var cellOffsets = offsets.unsqueeze(1).expand(5, t.shape[0], 2)[use];  // (Q, 2)

            var centre = cells[.., 2..4];
            var ij = (centre - cellOffsets).floor();                                // cell (i, j) per assignment
            var column = ij[.., 0].clamp(0, w - 1).to(int64);
            var row = ij[.., 1].clamp(0, h - 1).to(int64);
            var anchor = cells[.., 6].to(int64);
            result[level] = new LevelTargets(
                cells[.., 0].to(int64).MoveToOuterDisposeScope(),
                anchor.MoveToOuterDisposeScope(),
                row.MoveToOuterDisposeScope(),
                column.MoveToOuterDisposeScope(),
                cat([centre - ij, cells[.., 4..6]], 1).MoveToOuterDisposeScope(),
                anchorGrid[anchor].MoveToOuterDisposeScope(),
                cells[.., 1].to(int64).MoveToOuterDisposeScope());
        }
        return result;
    }
}
