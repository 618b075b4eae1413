'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '@/api/client';
import { useAuth } from '@/auth/AuthProvider';
import { navFor, roleLabels } from '@/auth/navigation';
import { useShortcuts } from '@/lib/hooks';
import { PastDueBanner } from './billing/PastDueBanner';
import { Icon } from './icons';
import { cx } from './ui';

function NavList({ onNavigate }: { onNavigate?: () => void }) {
  const { claims } = useAuth();
  const pathname = usePathname();
  const items = navFor(claims?.role ?? null);
  const current = (href: string) => {
    const path = pathname.endsWith('/') ? pathname : `${pathname}/`;
    // The longest matching item is current, so /admin/exports/ does not also light up /admin/.
    const best = items.filter((i) => path.startsWith(i.href)).sort((a, b) => b.href.length - a.href.length)[0];
    return best?.href === href;
  };
  return (
    <ul className="flex flex-col gap-0.5">
      {items.map((item) => {
        const active = current(item.href);
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              onClick={onNavigate}
              aria-current={active ? 'page' : undefined}
              className={cx(
                'flex h-9 items-center gap-3 rounded-md px-3 text-sm font-medium',
                active ? 'bg-accent-50 text-accent-800' : 'text-slate-700 hover:bg-slate-100 hover:text-slate-900',
              )}
            >
              <Icon name={item.icon} className={active ? 'text-accent-700' : 'text-slate-500'} />
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

function Brand() {
  return (
    <div className="flex h-14 items-center gap-2 px-4">
      <span className="flex h-7 w-7 items-center justify-center rounded-md bg-accent-700 text-white">
        <Icon name="logo" width={16} height={16} />
      </span>
      <span className="text-base font-semibold tracking-tight text-slate-900">OrthoScan</span>
    </div>
  );
}

function UserMenu() {
  const { claims, signOut } = useAuth();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!menuRef.current?.contains(e.target as Node) && !buttonRef.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const roleLabel = claims?.role ? roleLabels[claims.role] : 'Signed in';

  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        className="flex h-9 items-center gap-2 rounded-md px-2 text-sm text-slate-700 hover:bg-slate-100"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="user-menu"
        onClick={() => setOpen((o) => !o)}
      >
        <span className="flex h-7 w-7 items-center justify-center rounded-full bg-slate-200 text-slate-700">
          <Icon name="user" width={16} height={16} />
        </span>
        <span className="hidden sm:inline">{roleLabel}</span>
        <span className="sr-only">, open user menu</span>
      </button>
      {open && (
        <div
          ref={menuRef}
          id="user-menu"
          role="menu"
          aria-label="User menu"
          className="absolute right-0 z-30 mt-1 w-56 rounded-md border border-slate-200 bg-white py-1 shadow-lg"
        >
          <p className="px-3 py-2 text-xs text-slate-500">Signed in as {roleLabel.toLowerCase()}</p>
          <button
            type="button"
            role="menuitem"
            className="flex w-full items-center px-3 py-2 text-left text-sm text-slate-800 hover:bg-slate-100 focus-visible:bg-slate-100"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              await signOut();
              router.replace('/signin/?signedout=1');
            }}
          >
            Sign out
          </button>
        </div>
      )}
    </div>
  );
}

function PracticeName() {
  const { claims } = useAuth();
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    if (!claims?.practiceId) return;
    const controller = new AbortController();
    // The route may not exist yet (or may refuse a role): then the top bar simply shows no name.
    api.getPractice(controller.signal).then(
      (practice) => setName(typeof practice?.name === 'string' ? practice.name : null),
      () => setName(null),
    );
    return () => controller.abort();
  }, [claims?.practiceId]);
  if (!name) return null;
  return <p className="truncate text-sm font-semibold text-slate-900" data-testid="practice-name">{name}</p>;
}

const shortcuts: [string, string][] = [
  ['?', 'Show this list'],
  ['/', 'Search patients'],
  ['N', 'New patient (on Patients)'],
  ['Esc', 'Close a menu or this list'],
];
/** The keys about patients, left out for the roles that never see one. */
const patientKeys = new Set(['/', 'N']);

function ShortcutHelp({ onClose, withPatients }: { onClose: () => void; withPatients: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    // The backdrop only catches presses outside the dialog (Escape closes it from the keyboard).
    <div
      role="presentation"
      className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/30 p-4"
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        tabIndex={-1}
        className="w-full max-w-sm rounded-lg bg-white p-6 shadow-xl"
      >
        <h2 id="shortcuts-title" className="text-base font-semibold text-slate-900">Keyboard shortcuts</h2>
        <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          {shortcuts.filter(([key]) => withPatients || !patientKeys.has(key)).map(([key, what]) => (
            <div key={key} className="contents">
              <dt><kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-sans text-xs">{key}</kbd></dt>
              <dd className="text-slate-700">{what}</dd>
            </div>
          ))}
        </dl>
        <p className="mt-4 text-xs text-slate-500">Shortcuts never fire while you type in a field.</p>
        <button type="button" className="mt-4 text-sm font-medium text-accent-700 hover:underline" onClick={onClose}>Close</button>
      </div>
    </div>
  );
}

/** Left navigation, top bar with practice name and user menu; the nav collapses into a drawer below 1024 px. */
export function AppShell({ children }: { children: ReactNode }) {
  const { claims } = useAuth();
  const seesPatients = navFor(claims?.role ?? null).some((i) => i.href === '/patients/');
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const router = useRouter();
  const pathname = usePathname();
  const menuButton = useRef<HTMLButtonElement>(null);
  const drawerRef = useRef<HTMLDivElement>(null);

  useShortcuts({
    '?': () => setHelpOpen(true),
    '/': () => {
      const search = document.querySelector<HTMLInputElement>('[data-shortcut-search]');
      if (search) search.focus();
      // Finance and platform admins have no patient search: their roles never see patients.
      else if (seesPatients) router.push('/patients/?focus=search');
    },
  }, !helpOpen);

  useEffect(() => setDrawerOpen(false), [pathname]);

  useEffect(() => {
    if (!drawerOpen) return;
    drawerRef.current?.querySelector<HTMLElement>('a, button')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setDrawerOpen(false);
        menuButton.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [drawerOpen]);

  return (
    <div className="min-h-screen bg-slate-50">
      <a href="#main" className="sr-only z-50 rounded bg-white px-3 py-2 text-sm font-medium text-accent-800 focus:not-sr-only focus:fixed focus:left-2 focus:top-2">
        Skip to content
      </a>

      <aside className="fixed inset-y-0 left-0 z-20 hidden w-60 flex-col border-r border-slate-200 bg-white lg:flex">
        <Brand />
        <nav aria-label="Main" className="flex-1 overflow-y-auto px-3 py-2">
          <NavList />
        </nav>
        <button type="button" className="m-3 flex items-center gap-2 rounded-md px-3 py-2 text-xs text-slate-500 hover:bg-slate-100" onClick={() => setHelpOpen(true)}>
          <kbd className="rounded border border-slate-300 px-1 font-sans">?</kbd> Keyboard shortcuts
        </button>
      </aside>

      {drawerOpen && (
        <div className="fixed inset-0 z-40 lg:hidden">
          <div className="absolute inset-0 bg-slate-900/30" aria-hidden="true" onClick={() => setDrawerOpen(false)} />
          <div ref={drawerRef} id="nav-drawer" role="dialog" aria-modal="true" aria-label="Navigation" className="absolute inset-y-0 left-0 flex w-64 flex-col bg-white shadow-xl">
            <div className="flex items-center justify-between pr-2">
              <Brand />
              <button type="button" className="flex h-9 w-9 items-center justify-center rounded-md text-slate-600 hover:bg-slate-100" onClick={() => setDrawerOpen(false)}>
                <Icon name="close" />
                <span className="sr-only">Close navigation</span>
              </button>
            </div>
            <nav aria-label="Main" className="flex-1 overflow-y-auto px-3 py-2">
              <NavList onNavigate={() => setDrawerOpen(false)} />
            </nav>
          </div>
        </div>
      )}

      <div className="lg:pl-60">
        <header className="sticky top-0 z-10 flex h-14 items-center gap-3 border-b border-slate-200 bg-white/95 px-4 backdrop-blur sm:px-6">
          <button
            ref={menuButton}
            type="button"
            className="flex h-9 w-9 items-center justify-center rounded-md text-slate-600 hover:bg-slate-100 lg:hidden"
            aria-expanded={drawerOpen}
            aria-controls="nav-drawer"
            onClick={() => setDrawerOpen(true)}
          >
            <Icon name="menu" />
            <span className="sr-only">Open navigation</span>
          </button>
          <div className="min-w-0 flex-1">
            <PracticeName />
          </div>
          <UserMenu />
        </header>
        {claims?.role === 'owner' && <PastDueBanner />}
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl px-4 py-6 focus:outline-none sm:px-6 lg:px-8 lg:py-8">
          {children}
        </main>
      </div>
      {helpOpen && <ShortcutHelp onClose={() => setHelpOpen(false)} withPatients={seesPatients} />}
    </div>
  );
}
