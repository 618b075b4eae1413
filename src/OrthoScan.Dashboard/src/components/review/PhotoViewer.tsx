'use client';

import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import type { PreviousSession, ScanImage } from '@/api/review';
import { Icon } from '@/components/icons';
import { cx, KeyHint } from '@/components/ui';
import { formatDate } from '@/lib/format';
import { QualityBadges } from './PhotoGrid';
import { trapTab } from './trapTab';
import { useRetryingSrc } from './useRetryingSrc';
import { viewLabels } from './views';

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 4;
const STEP = 1.25;

interface View {
  scale: number;
  x: number;
  y: number;
}

const identity: View = { scale: 1, x: 0, y: 0 };

/** Zooms by `factor` keeping the point (px, py), relative to the stage centre, where it is on screen. */
export function zoomAround(view: View, factor: number, px = 0, py = 0): View {
  const scale = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.scale * factor));
  if (scale === MIN_ZOOM) return identity;
  const ratio = scale / view.scale;
  return { scale, x: px - (px - view.x) * ratio, y: py - (py - view.y) * ratio };
}

function Pane({ src, placeholder, alt, view, dragging, caption, testId }: {
  src: string | null; placeholder: string | null; alt: string; view: View; dragging: boolean; caption: ReactNode; testId: string;
}) {
  const [loaded, setLoaded] = useState(false);
  const full = useRetryingSrc(src);
  const display = useRetryingSrc(placeholder);
  useEffect(() => setLoaded(false), [src]);
  return (
    <figure className="relative flex min-h-0 min-w-0 flex-1 flex-col">
      <div className="relative min-h-0 flex-1 overflow-hidden" data-pane>
        {src ? (
          <div
            data-testid={testId}
            className={cx('absolute inset-0 will-change-transform', !dragging && 'motion-safe:transition-transform motion-safe:duration-100')}
            style={{ transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})` }}
          >
            {/* eslint-disable-next-line @next/next/no-img-element -- static export: no image optimizer (images.unoptimized), and the signed photo URLs expire */}
            {display.src && <img key={display.src} src={display.src} onError={display.onError} alt="" aria-hidden="true" className="absolute inset-0 h-full w-full object-contain" draggable={false} />}
            {/* eslint-disable-next-line @next/next/no-img-element -- static export: no image optimizer (images.unoptimized), and the signed photo URLs expire */}
            <img
              key={full.src}
              src={full.src}
              onError={full.onError}
              alt={alt}
              className={cx('absolute inset-0 h-full w-full object-contain', placeholder && !loaded && 'opacity-0')}
              draggable={false}
              onLoad={() => setLoaded(true)}
            />
          </div>
        ) : (
          <p className="flex h-full items-center justify-center text-sm text-slate-300">This photo is not available.</p>
        )}
      </div>
      <figcaption className="flex flex-wrap items-center gap-2 px-3 py-2 text-xs text-slate-200">{caption}</figcaption>
    </figure>
  );
}

/**
 * Full-screen photo viewer: wheel, pinch and +/- zoom to 400% around the pointer, drag to pan, 0 resets, arrows
 * switch views, C puts the same view of the previous scan beside it (both panes share one zoom), Escape closes.
 */
export function PhotoViewer({ images, previous, alignerNumber, startIndex, onClose }: {
  images: ScanImage[];
  previous: PreviousSession | null | undefined;
  alignerNumber: number;
  startIndex: number;
  onClose: () => void;
}) {
  const [index, setIndex] = useState(startIndex);
  const [view, setView] = useState<View>(identity);
  const [compare, setCompare] = useState(false);
  const [dragging, setDragging] = useState(false);
  const stage = useRef<HTMLDivElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const pinch = useRef<number | null>(null);

  const image = images[index];
  const label = viewLabels[image.imageType];
  const before = previous?.images.find((p) => p.imageType === image.imageType) ?? null;

  const go = useCallback((delta: number) => {
    setIndex((i) => (i + delta + images.length) % images.length);
    setView(identity);
  }, [images.length]);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    dialog.current?.focus();
    return () => opener?.focus?.();
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      trapTab(e, dialog.current);
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const handled = (() => {
        switch (e.key) {
          case 'Escape': onClose(); return true;
          case '+': case '=': setView((v) => zoomAround(v, STEP)); return true;
          case '-': case '_': setView((v) => zoomAround(v, 1 / STEP)); return true;
          case '0': setView(identity); return true;
          case 'ArrowRight': go(1); return true;
          case 'ArrowLeft': go(-1); return true;
          case 'c': case 'C': setCompare((c) => !c); return true;
          // Review keys must not act on the scan behind the viewer.
          default: return e.key.length === 1 || e.key === 'Enter';
        }
      })();
      if (handled) {
        e.preventDefault();
        e.stopImmediatePropagation();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [go, onClose]);

  // Relative to the centre of the pane under the point, which is what transform-origin: center scales around.
  const local = (clientX: number, clientY: number, target: EventTarget | null) => {
    const pane = (target as HTMLElement | null)?.closest?.('[data-pane]') ?? stage.current?.querySelector('[data-pane]');
    const r = pane?.getBoundingClientRect();
    return r ? { x: clientX - r.left - r.width / 2, y: clientY - r.top - r.height / 2 } : { x: 0, y: 0 };
  };

  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const p = local(e.clientX, e.clientY, e.target);
      setView((v) => zoomAround(v, Math.exp(-e.deltaY * 0.0015), p.x, p.y));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const onPointerDown = (e: ReactPointerEvent) => {
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    setDragging(true);
  };
  const onPointerMove = (e: ReactPointerEvent) => {
    const last = pointers.current.get(e.pointerId);
    if (!last) return;
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const all = [...pointers.current.values()];
    if (all.length >= 2) {
      const [a, b] = all;
      const distance = Math.hypot(a.x - b.x, a.y - b.y);
      if (pinch.current) {
        const mid = local((a.x + b.x) / 2, (a.y + b.y) / 2, e.target);
        const factor = distance / pinch.current;
        setView((v) => zoomAround(v, factor, mid.x, mid.y));
      }
      pinch.current = distance;
      return;
    }
    const dx = e.clientX - last.x;
    const dy = e.clientY - last.y;
    setView((v) => (v.scale === 1 ? v : { ...v, x: v.x + dx, y: v.y + dy }));
  };
  const onPointerUp = (e: ReactPointerEvent) => {
    pointers.current.delete(e.pointerId);
    if (pointers.current.size < 2) pinch.current = null;
    if (pointers.current.size === 0) setDragging(false);
  };

  const zoomPercent = Math.round(view.scale * 100);
  const toolButton = 'inline-flex h-8 items-center gap-1 rounded-md px-2 text-xs font-medium text-white hover:bg-white/10';

  return (
    <div
      ref={dialog}
      role="dialog"
      aria-modal="true"
      aria-label={`Photo viewer: ${label}`}
      tabIndex={-1}
      className="fixed inset-0 z-50 flex flex-col bg-slate-950 text-white focus:outline-none"
    >
      <div className="flex flex-wrap items-center gap-1 border-b border-white/10 px-3 py-2">
        <h2 className="mr-3 text-sm font-semibold">{label} <span className="font-normal text-slate-300">{index + 1} of {images.length}</span></h2>
        <button type="button" className={toolButton} onClick={() => go(-1)} aria-label="Previous view">
          ←<KeyHint>←</KeyHint>
        </button>
        <button type="button" className={toolButton} onClick={() => go(1)} aria-label="Next view">
          →<KeyHint>→</KeyHint>
        </button>
        <span className="mx-2 h-5 w-px bg-white/20" aria-hidden="true" />
        <button type="button" className={toolButton} onClick={() => setView((v) => zoomAround(v, 1 / STEP))} disabled={view.scale <= MIN_ZOOM}>
          Zoom out<KeyHint>-</KeyHint>
        </button>
        <output className="w-12 text-center text-xs tabular-nums" aria-live="polite" data-testid="zoom-level" aria-label="Zoom">{zoomPercent}%</output>
        <button type="button" className={toolButton} onClick={() => setView((v) => zoomAround(v, STEP))} disabled={view.scale >= MAX_ZOOM}>
          Zoom in<KeyHint>+</KeyHint>
        </button>
        <button type="button" className={toolButton} onClick={() => setView(identity)}>
          Reset<KeyHint>0</KeyHint>
        </button>
        <span className="mx-2 h-5 w-px bg-white/20" aria-hidden="true" />
        <button type="button" className={cx(toolButton, compare && 'bg-white/15')} aria-pressed={compare} onClick={() => setCompare((c) => !c)}>
          Compare with previous<KeyHint>C</KeyHint>
        </button>
        <button type="button" className={cx(toolButton, 'ml-auto')} onClick={onClose}>
          <Icon name="close" width={16} height={16} />Close<KeyHint>Esc</KeyHint>
        </button>
      </div>
      <div
        ref={stage}
        className={cx('flex min-h-0 flex-1 touch-none select-none gap-1', view.scale > 1 && (dragging ? 'cursor-grabbing' : 'cursor-grab'))}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        {compare && (
          before?.urls ? (
            <Pane
              testId="viewer-previous"
              src={before.urls.full}
              placeholder={before.urls.display}
              alt={`${label}, previous scan (aligner ${previous!.alignerNumber})`}
              view={view}
              dragging={dragging}
              caption={<>Previous scan · aligner {previous!.alignerNumber}{previous!.submittedAt ? ` · ${formatDate(previous!.submittedAt)}` : ''}</>}
            />
          ) : (
            <div className="flex flex-1 items-center justify-center px-6 text-center text-sm text-slate-300" data-testid="viewer-previous-missing">
              No earlier scan of this view to compare with.
            </div>
          )
        )}
        <Pane
          testId="viewer-current"
          src={image.urls?.full ?? null}
          placeholder={image.urls?.display ?? null}
          alt={`${label}, aligner ${alignerNumber}`}
          view={view}
          dragging={dragging}
          caption={<>{compare ? <>This scan · aligner {alignerNumber}</> : null}<QualityBadges image={image} /></>}
        />
      </div>
    </div>
  );
}
