/** Leaves the dashboard for a page of the payment provider (Stripe Checkout, the customer portal). */
export function goTo(url: string): void {
  window.location.assign(url);
}
